import Fluent
import Foundation

/// A webhook call a rule asked for, written in the rule's transaction and posted afterwards with retries.
final class NotificationModel: Model, @unchecked Sendable {
    static let schema = "webhook_deliveries"

    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "webhook_id") var webhookID: Int
    @Field(key: "ticket_id") var ticketID: Int
    @Field(key: "body") var body: String
    /// queued, sent or failed.
    @Field(key: "status") var status: String
    @Field(key: "attempts") var attempts: Int
    @Field(key: "next_attempt_at") var nextAttemptAt: Date
    @OptionalField(key: "last_error") var lastError: String?
    @OptionalField(key: "claim") var claim: String?
    @Field(key: "created_at") var createdAt: Date

    /// Listed by hand: Fluent finds them by reflection otherwise, on every query, its costliest step (kept in
    /// step with the declarations above by ModelPropertiesTests).
    var properties: [any AnyProperty] {
        [
            $id, $webhookID, $ticketID, $body, $status, $attempts, $nextAttemptAt, $lastError, $claim, $createdAt
        ]
    }

    init() {}
}
