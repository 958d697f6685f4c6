import Foundation
import ParleyJSON

/// `value.statuses[]`: the fate of a message the business sent (sent, delivered, read, played, failed).
/// Call statuses arrive in the same array with `type: "call"` and must not be taken for message statuses.
public struct StatusUpdate: Codable, Sendable, Equatable {
    public var id: String
    public var status: String
    public var timestamp: String?
    public var recipientID: String?
    public var recipientUserID: String?
    public var bizOpaqueCallbackData: String?
    public var conversation: JSONValue?
    public var pricing: JSONValue?
    public var errors: [ErrorDetail]?
    public var type: String?

    enum CodingKeys: String, CodingKey {
        case id, status, timestamp, conversation, pricing, errors, type
        case recipientID = "recipient_id"
        case recipientUserID = "recipient_user_id"
        case bizOpaqueCallbackData = "biz_opaque_callback_data"
    }

    public init(id: String, status: String, timestamp: String?, recipientID: String?, recipientUserID: String? = nil,
                errors: [ErrorDetail]? = nil) {
        self.id = id
        self.status = status
        self.timestamp = timestamp
        self.recipientID = recipientID
        self.recipientUserID = recipientUserID
        self.errors = errors
    }

    public var at: Date? { timestamp.flatMap(TimeInterval.init).map(Date.init(timeIntervalSince1970:)) }
    public var isCallStatus: Bool { type == "call" }
}
