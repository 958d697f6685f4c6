import Fluent
import Foundation

/// A connected WhatsApp business number. The access token, app secret and verify token are write-only:
/// stored for use, never returned by the API or logged.
final class WhatsAppIntegrationModel: Model, @unchecked Sendable {
    static let schema = "whatsapp_integrations"

    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "name") var name: String
    @Field(key: "phone_number_id") var phoneNumberID: String
    @Field(key: "waba_id") var wabaID: String
    @Field(key: "display_number") var displayNumber: String
    @Field(key: "access_token") var accessToken: String
    @Field(key: "app_secret") var appSecret: String
    @Field(key: "verify_token") var verifyToken: String
    @Field(key: "mask_credit_card_numbers") var maskCreditCardNumbers: Bool
    @Field(key: "templates_enabled") var templatesEnabled: Bool
    /// Mark the end user's messages read on WhatsApp when an agent opens or answers the ticket.
    @Field(key: "mark_read") var markRead: Bool
    /// nil while healthy; otherwise the last permanent error (an expired token, a policy block…).
    @OptionalField(key: "health_error") var healthError: String?
    @OptionalField(key: "health_error_at") var healthErrorAt: Date?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    /// Listed by hand: Fluent finds them by reflection otherwise, on every query, its costliest step (kept in
    /// step with the declarations above by ModelPropertiesTests).
    var properties: [any AnyProperty] {
        [
            $id, $name, $phoneNumberID, $wabaID, $displayNumber, $accessToken, $appSecret, $verifyToken,
            $maskCreditCardNumbers, $templatesEnabled, $markRead, $healthError, $healthErrorAt, $createdAt, $updatedAt
        ]
    }

    init() {}
}
