import Fluent
import Foundation

final class CommentModel: Model, @unchecked Sendable {
    static let schema = "comments"

    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "ticket_id") var ticketID: Int
    @OptionalField(key: "audit_id") var auditID: Int?
    @OptionalField(key: "author_id") var authorID: Int?
    @Field(key: "body") var body: String
    @OptionalField(key: "html_body") var htmlBody: String?
    @Field(key: "public") var isPublic: Bool
    @Field(key: "via_channel") var viaChannel: String
    /// For messages sent out on a channel: queued, sent, delivered, read or failed.
    @OptionalField(key: "delivery_status") var deliveryStatus: String?
    @OptionalField(key: "delivery_error") var deliveryError: String?
    /// The channel's own id for the message (WhatsApp's `wamid`), unique so a redelivery is stored once.
    @OptionalField(key: "external_message_id") var externalMessageID: String?
    @OptionalField(key: "metadata") var metadata: String?
    @Field(key: "created_at") var createdAt: Date

    /// Listed by hand: Fluent finds them by reflection otherwise, on every query, its costliest step (kept in
    /// step with the declarations above by ModelPropertiesTests).
    var properties: [any AnyProperty] {
        [
            $id, $ticketID, $auditID, $authorID, $body, $htmlBody, $isPublic, $viaChannel, $deliveryStatus,
            $deliveryError, $externalMessageID, $metadata, $createdAt
        ]
    }

    init() {}
}
