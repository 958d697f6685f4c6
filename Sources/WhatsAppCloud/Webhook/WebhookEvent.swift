import ParleyJSON

/// One thing a webhook body tells Parley, flattened out of `entry[].changes[].value`.
public enum WebhookEvent: Sendable, Equatable {
    case message(Routing, contact: Contact?, message: InboundMessage)
    case status(Routing, StatusUpdate)
    case call(Routing, contact: Contact?, call: CallEvent)
    /// `value.errors[]`: a problem Meta reports about the channel itself.
    case error(Routing, ErrorDetail)
    /// A message or status whose shape could not be read; kept for the record.
    case unreadable(Routing, field: String, raw: JSONValue)
    /// Any other field (template and account updates, echoes…): recorded or ignored.
    case other(Routing, field: String, raw: JSONValue)

    /// Which business number and account an event belongs to.
    public struct Routing: Sendable, Equatable, Hashable {
        public var wabaID: String
        public var phoneNumberID: String?
        public var displayPhoneNumber: String?
        public init(wabaID: String, phoneNumberID: String?, displayPhoneNumber: String? = nil) {
            self.wabaID = wabaID
            self.phoneNumberID = phoneNumberID
            self.displayPhoneNumber = displayPhoneNumber
        }
    }

    public var routing: Routing {
        switch self {
        case .message(let routing, _, _), .status(let routing, _), .call(let routing, _, _), .error(let routing, _),
            .unreadable(let routing, _, _), .other(let routing, _, _):
            routing
        }
    }
}
