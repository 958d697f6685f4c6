import Fluent
import Foundation

/// One way to reach or recognise a user (email, phone, WhatsApp BSUID or username). `(type, value)` is unique.
final class UserIdentityModel: Model, @unchecked Sendable {
    static let schema = "user_identities"

    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "user_id") var userID: Int
    @Field(key: "type") var type: String
    @Field(key: "value") var value: String
    @Field(key: "primary") var primary: Bool
    @Field(key: "verified") var verified: Bool
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    /// Listed by hand: Fluent finds them by reflection otherwise, on every query, its costliest step (kept in
    /// step with the declarations above by ModelPropertiesTests).
    var properties: [any AnyProperty] { [$id, $userID, $type, $value, $primary, $verified, $createdAt, $updatedAt] }

    init() {}

    init(userID: Int, type: String, value: String, primary: Bool, now: Date) {
        self.userID = userID
        self.type = type
        self.value = value
        self.primary = primary
        self.verified = false
        self.createdAt = now
        self.updatedAt = now
    }
}
