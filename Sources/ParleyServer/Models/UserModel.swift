import Fluent
import Foundation
import ParleyCore

final class UserModel: Model, @unchecked Sendable {
    static let schema = "users"

    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "name") var name: String
    @OptionalField(key: "email") var email: String?
    @OptionalField(key: "phone") var phone: String?
    @Field(key: "role") var role: String
    @OptionalField(key: "password_hash") var passwordHash: String?
    @Field(key: "active") var active: Bool
    @Field(key: "suspended") var suspended: Bool
    @OptionalField(key: "external_id") var externalID: String?
    @OptionalField(key: "notes") var notes: String?
    @OptionalField(key: "locale") var locale: String?
    @OptionalField(key: "time_zone") var timeZone: String?
    @OptionalField(key: "default_group_id") var defaultGroupID: Int?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    /// Listed by hand: Fluent finds them by reflection otherwise, on every query, its costliest step (kept in
    /// step with the declarations above by ModelPropertiesTests).
    var properties: [any AnyProperty] {
        [
            $id, $name, $email, $phone, $role, $passwordHash, $active, $suspended, $externalID, $notes, $locale,
            $timeZone, $defaultGroupID, $createdAt, $updatedAt
        ]
    }

    init() {}

    init(name: String, email: String?, phone: String? = nil, role: UserRole, now: Date) {
        self.name = name
        self.email = email
        self.phone = phone
        self.role = role.rawValue
        self.active = true
        self.suspended = false
        self.createdAt = now
        self.updatedAt = now
    }

    var userRole: UserRole { UserRole(rawValue: role) ?? .endUser }
    var actor: Actor { Actor(userID: id, role: userRole) }
}
