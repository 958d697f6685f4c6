import ParleyCore
import Vapor

extension UserModel {
    func json(baseURL: String) -> JSONValue {
        let id = self.id ?? 0
        return [
            "id": .int(id),
            "url": .string("\(baseURL)/api/v2/users/\(id).json"),
            "name": .string(name),
            "email": JSONValue(email),
            "phone": JSONValue(phone),
            "role": .string(role),
            "active": .bool(active),
            "suspended": .bool(suspended),
            "verified": .bool(email != nil),
            "external_id": JSONValue(externalID),
            "notes": JSONValue(notes),
            "details": "",
            "locale": JSONValue(locale ?? "en-US"),
            "time_zone": JSONValue(timeZone ?? "UTC"),
            "default_group_id": JSONValue(defaultGroupID),
            "organization_id": .null,
            "shared_phone_number": .null,
            "photo": .null,
            "tags": [],
            "user_fields": [:],
            "only_private_comments": false,
            "restricted_agent": false,
            "moderator": .bool(userRole == .admin),
            "ticket_restriction": userRole == .endUser ? "requested" : .null,
            "created_at": JSONValue(createdAt),
            "updated_at": JSONValue(updatedAt),
        ]
    }
}

extension UserIdentityModel {
    func json(baseURL: String) -> JSONValue {
        let id = self.id ?? 0
        return [
            "id": .int(id),
            "url": .string("\(baseURL)/api/v2/users/\(userID)/identities/\(id).json"),
            "user_id": .int(userID),
            "type": .string(type),
            "value": .string(value),
            "primary": .bool(primary),
            "verified": .bool(verified),
            "created_at": JSONValue(createdAt),
            "updated_at": JSONValue(updatedAt),
        ]
    }
}

extension GroupModel {
    func json(baseURL: String) -> JSONValue {
        let id = self.id ?? 0
        return [
            "id": .int(id),
            "url": .string("\(baseURL)/api/v2/groups/\(id).json"),
            "name": .string(name),
            "description": JSONValue(description ?? ""),
            "default": .bool(isDefault),
            "deleted": .bool(deleted),
            "is_public": true,
            "created_at": JSONValue(createdAt),
            "updated_at": JSONValue(updatedAt),
        ]
    }
}
