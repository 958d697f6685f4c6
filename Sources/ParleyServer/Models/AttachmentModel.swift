import Fluent
import Foundation

/// A stored file. Uploaded files wait under their upload token until a comment claims them.
final class AttachmentModel: Model, @unchecked Sendable {
    static let schema = "attachments"

    @ID(custom: "id", generatedBy: .database) var id: Int?
    @OptionalField(key: "comment_id") var commentID: Int?
    @OptionalField(key: "ticket_id") var ticketID: Int?
    @OptionalField(key: "upload_token") var uploadToken: String?
    @Field(key: "file_name") var fileName: String
    @Field(key: "content_type") var contentType: String
    @Field(key: "size") var size: Int
    @Field(key: "sha256") var sha256: String
    @Field(key: "created_at") var createdAt: Date

    init() {}
}
