import Fluent
import Foundation

/// An API token; only its SHA-256 is stored, the token itself is shown once when created.
final class APITokenModel: Model, @unchecked Sendable {
    static let schema = "api_tokens"

    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "description") var description: String
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "token_hint") var tokenHint: String
    @Field(key: "created_by") var createdBy: Int
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "last_used_at") var lastUsedAt: Date?

    /// Listed by hand: Fluent finds them by reflection otherwise, on every query, its costliest step (kept in
    /// step with the declarations above by ModelPropertiesTests).
    var properties: [any AnyProperty] {
        [
            $id, $description, $tokenHash, $tokenHint, $createdBy, $createdAt, $lastUsedAt
        ]
    }

    init() {}
}
