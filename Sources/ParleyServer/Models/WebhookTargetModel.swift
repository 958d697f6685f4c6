import Fluent
import Foundation

/// Where a `notification_webhook` action posts (Zendesk's webhooks).
final class WebhookTargetModel: Model, @unchecked Sendable {
    static let schema = "webhooks"

    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "name") var name: String
    @Field(key: "endpoint") var endpoint: String
    @Field(key: "http_method") var httpMethod: String
    @Field(key: "status") var status: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    /// Listed by hand: Fluent finds them by reflection otherwise, on every query, its costliest step (kept in
    /// step with the declarations above by ModelPropertiesTests).
    var properties: [any AnyProperty] { [$id, $name, $endpoint, $httpMethod, $status, $createdAt, $updatedAt] }

    init() {}
}
