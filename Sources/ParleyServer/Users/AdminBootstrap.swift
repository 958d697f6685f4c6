import Fluent
import ParleyCore
import Vapor

/// Creates the first admin from `PARLEY_ADMIN_EMAIL` / `PARLEY_ADMIN_PASSWORD`, once: only while no admin exists.
enum AdminBootstrap {
    static let minimumPasswordLength = 8

    static func run(app: Application, settings: ParleySettings) async throws {
        guard settings.adminEmail != nil || settings.adminPassword != nil else { return }
        let admins = try await UserModel.query(on: app.db).filter(\.$role == UserRole.admin.rawValue).count()
        guard admins == 0 else {
            app.logger.info("an admin already exists; PARLEY_ADMIN_EMAIL and PARLEY_ADMIN_PASSWORD are not used")
            return
        }
        // Only checked when they would be used: once an admin exists, the variables may stay set unchanged.
        guard let email = settings.adminEmail else { throw AdminBootstrapError.passwordWithoutEmail }
        guard let password = settings.adminPassword else { throw AdminBootstrapError.emailWithoutPassword }
        guard password.count >= minimumPasswordLength else { throw AdminBootstrapError.passwordTooShort }
        _ = try await createAdmin(app: app, name: "Admin", email: email, password: password)
        app.logger.info("created the first admin", metadata: ["email": "\(email)"])
    }

    static func createAdmin(app: Application, name: String, email: String, password: String) async throws -> UserModel {
        guard password.count >= minimumPasswordLength else {
            throw APIError.invalid("password", "Password: must be at least \(minimumPasswordLength) characters")
        }
        let now = app.parley.clock.now
        let directory = UserDirectory(db: app.db, now: now)
        let user = try await directory.user(email: email)
            ?? UserModel(name: name, email: email.lowercased(), role: .admin, now: now)
        user.role = UserRole.admin.rawValue
        user.passwordHash = try await PasswordCheck.hash(password, on: app)
        user.updatedAt = now
        try await user.save(on: app.db)
        try await directory.syncIdentities(of: user)
        return user
    }
}
