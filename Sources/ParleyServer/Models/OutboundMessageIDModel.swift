import Fluent

/// Every WhatsApp message id Parley got back for a comment's parts (text, then each file), with each part's own
/// delivery state: a comment is delivered only when all its parts are.
final class OutboundMessageIDModel: Model, @unchecked Sendable {
    static let schema = "whatsapp_outbound_ids"

    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "wamid") var wamid: String
    @Field(key: "comment_id") var commentID: Int
    @Field(key: "status") var status: String

    /// Listed by hand: Fluent finds them by reflection otherwise, on every query, its costliest step (kept in
    /// step with the declarations above by ModelPropertiesTests).
    var properties: [any AnyProperty] { [$id, $wamid, $commentID, $status] }

    init() {}

    init(wamid: String, commentID: Int) {
        self.wamid = wamid
        self.commentID = commentID
        self.status = "sent"
    }
}
