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
    /// For channel media: pending until downloaded, then stored, or failed after the last retry.
    @OptionalField(key: "media_status") var mediaStatus: String?
    @OptionalField(key: "media_id") var mediaID: String?
    @OptionalField(key: "media_kind") var mediaKind: String?
    @OptionalField(key: "media_integration_id") var mediaIntegrationID: Int?
    @OptionalField(key: "media_attempts") var mediaAttempts: Int?
    @OptionalField(key: "media_next_attempt_at") var mediaNextAttemptAt: Date?
    @OptionalField(key: "media_error") var mediaError: String?
    @OptionalField(key: "media_expected_sha256") var mediaExpectedSHA256: String?
    /// Which fetch run holds the download, so two instances never take the same file.
    @OptionalField(key: "media_claim") var mediaClaim: String?

    /// Listed by hand: Fluent finds them by reflection otherwise, on every query, its costliest step (kept in
    /// step with the declarations above by ModelPropertiesTests).
    var properties: [any AnyProperty] {
        [
            $id, $commentID, $ticketID, $uploadToken, $fileName, $contentType, $size, $sha256, $createdAt, $mediaStatus,
            $mediaID, $mediaKind, $mediaIntegrationID, $mediaAttempts, $mediaNextAttemptAt, $mediaError,
            $mediaExpectedSHA256, $mediaClaim
        ]
    }

    init() {}
}
