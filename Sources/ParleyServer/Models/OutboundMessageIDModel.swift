import Fluent

/// Every WhatsApp message id Parley got back for a comment's parts, so status webhooks find their comment.
final class OutboundMessageIDModel: Model, @unchecked Sendable {
    static let schema = "whatsapp_outbound_ids"

    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "wamid") var wamid: String
    @Field(key: "comment_id") var commentID: Int

    init() {}

    init(wamid: String, commentID: Int) {
        self.wamid = wamid
        self.commentID = commentID
    }
}
