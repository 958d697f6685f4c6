import Fluent
import ParleyCore

/// Account-wide settings an admin can change through `/api/v2/account/settings`.
struct AccountSettings: Sendable, Equatable {
    /// HTTP Basic with email and password (Zendesk allowed it for years; admins may turn it off).
    var passwordAccess = true

    static let passwordAccessKey = "api.password_access"

    static func load(on db: Database) async throws -> AccountSettings {
        var settings = AccountSettings()
        if let stored = try await SettingModel.find(passwordAccessKey, on: db) {
            settings.passwordAccess = stored.value == "true"
        }
        return settings
    }

    func save(on db: Database) async throws {
        let value = passwordAccess ? "true" : "false"
        if let stored = try await SettingModel.find(AccountSettings.passwordAccessKey, on: db) {
            stored.value = value
            try await stored.save(on: db)
        } else {
            try await SettingModel(key: AccountSettings.passwordAccessKey, value: value).create(on: db)
        }
    }

    var json: JSONValue { ["api": ["password_access": .bool(passwordAccess)]] }
}
