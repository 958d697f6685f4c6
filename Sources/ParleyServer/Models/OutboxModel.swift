import Fluent
import Foundation

/// A message waiting to go out on WhatsApp, written in the same transaction as its comment. A worker claims it,
/// sends its parts in order (text, then each file), and records progress after each part so a restart never
/// repeats a part already recorded as sent.
final class OutboxModel: Model, @unchecked Sendable {
    static let schema = "whatsapp_outbox"

    @ID(custom: "id", generatedBy: .database) var id: Int?
    @OptionalField(key: "comment_id") var commentID: Int?
    @Field(key: "ticket_id") var ticketID: Int
    @Field(key: "integration_id") var integrationID: Int
    /// message, template or read.
    @Field(key: "kind") var kind: String
    /// The request parts: JSON describing the text, files or template to send.
    @Field(key: "payload") var payload: String
    /// queued, sending, sent or failed.
    @Field(key: "status") var status: String
    @Field(key: "parts_sent") var partsSent: Int
    @Field(key: "attempts") var attempts: Int
    @Field(key: "next_attempt_at") var nextAttemptAt: Date
    @OptionalField(key: "claim") var claim: String?
    @OptionalField(key: "last_error") var lastError: String?
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "sent_at") var sentAt: Date?

    /// Listed by hand: Fluent finds them by reflection otherwise, on every query, its costliest step (kept in
    /// step with the declarations above by ModelPropertiesTests).
    var properties: [any AnyProperty] {
        [
            $id, $commentID, $ticketID, $integrationID, $kind, $payload, $status, $partsSent, $attempts, $nextAttemptAt,
            $claim, $lastError, $createdAt, $sentAt
        ]
    }

    init() {}
}
