import Fluent
import Foundation

final class GroupModel: Model, @unchecked Sendable {
    static let schema = "groups"

    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "name") var name: String
    @OptionalField(key: "description") var description: String?
    @Field(key: "is_default") var isDefault: Bool
    @Field(key: "deleted") var deleted: Bool
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    /// Listed by hand: Fluent finds them by reflection otherwise, on every query, its costliest step (kept in
    /// step with the declarations above by ModelPropertiesTests).
    var properties: [any AnyProperty] { [$id, $name, $description, $isDefault, $deleted, $createdAt, $updatedAt] }

    init() {}

    init(name: String, description: String?, now: Date) {
        self.name = name
        self.description = description
        self.isDefault = false
        self.deleted = false
        self.createdAt = now
        self.updatedAt = now
    }
}
