import Fluent
import Foundation

/// Webhook content Parley does not act on (template and account updates, unreadable items), kept as a record
/// with card numbers already redacted.
final class WebhookRecordModel: Model, @unchecked Sendable {
    static let schema = "whatsapp_webhook_records"

    @ID(custom: "id", generatedBy: .database) var id: Int?
    @OptionalField(key: "integration_id") var integrationID: Int?
    @Field(key: "field") var field: String
    @Field(key: "payload") var payload: String
    @Field(key: "received_at") var receivedAt: Date

    /// Listed by hand: Fluent finds them by reflection otherwise, on every query, its costliest step (kept in
    /// step with the declarations above by ModelPropertiesTests).
    var properties: [any AnyProperty] { [$id, $integrationID, $field, $payload, $receivedAt] }

    init() {}
}
