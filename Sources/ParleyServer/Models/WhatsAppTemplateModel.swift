import Fluent
import Foundation

/// A message template synced from the WhatsApp Business Account.
final class WhatsAppTemplateModel: Model, @unchecked Sendable {
    static let schema = "whatsapp_templates"

    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "integration_id") var integrationID: Int
    @Field(key: "template_id") var templateID: String
    @Field(key: "name") var name: String
    @Field(key: "language") var language: String
    @Field(key: "category") var category: String
    @Field(key: "status") var status: String
    @Field(key: "body") var body: String
    @Field(key: "components") var components: String
    @Field(key: "synced_at") var syncedAt: Date

    /// Listed by hand: Fluent finds them by reflection otherwise, on every query, its costliest step (kept in
    /// step with the declarations above by ModelPropertiesTests).
    var properties: [any AnyProperty] {
        [
            $id, $integrationID, $templateID, $name, $language, $category, $status, $body, $components, $syncedAt
        ]
    }

    init() {}
}
