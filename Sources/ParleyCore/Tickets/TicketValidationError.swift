/// A rejected ticket change, in the shape of Zendesk's `RecordInvalid` details: field → messages.
public struct TicketValidationError: Error, Sendable, Equatable {
    public var details: [String: [String]]

    public init(_ field: String, _ message: String) { details = [field: [message]] }
    public init(details: [String: [String]]) { self.details = details }
}
