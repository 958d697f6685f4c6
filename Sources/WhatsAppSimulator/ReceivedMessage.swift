import Foundation
import ParleyJSON

/// A message the business sent to a simulated user, with its delivery state as the user's phone sees it.
public struct ReceivedMessage: Sendable, Equatable {
    public var id: String
    public var phoneNumberID: String
    public var bsuid: String
    public var type: String
    public var body: JSONValue
    public var status: String
    public var error: Int?
    public var at: Date
    /// Sent outside the user's 24-hour window as free-form: WhatsApp fails it with 131047.
    public var outsideWindow: Bool

    public var json: JSONValue {
        [
            "id": .string(id), "phone_number_id": .string(phoneNumberID), "user_id": .string(bsuid),
            "type": .string(type), "message": body, "status": .string(status),
            "error_code": error.map(JSONValue.int) ?? .null, "at": .int(Int(at.timeIntervalSince1970)),
            "outside_window": .bool(outsideWindow),
        ]
    }
}
