import Fluent
import Foundation
import ParleyCore
@testable import ParleyServer
import Testing
import Vapor

/// `PARLEY_ADMIN_EMAIL` / `PARLEY_ADMIN_PASSWORD` make the first admin once; later starts leave the admins alone,
/// and values that cannot make a usable admin stop the start with a message saying why.
@Suite("First admin from the environment")
struct AdminBootstrapTests {
    @Test func aSecondStartWithAnotherEmailCreatesNoSecondAdmin() async throws {
        try await TestDatabase.with { database in
            try await start(database, email: "First@Example.com", password: "first-password") { app in
                let admins = try await Self.admins(app)
                #expect(admins.map(\.email) == ["first@example.com"])
            }
            try await start(database, email: "second@example.com", password: "second-password") { app in
                let admins = try await Self.admins(app)
                #expect(admins.map(\.email) == ["first@example.com"], "still only the first admin")
                #expect(try await UserModel.query(on: app.db).filter(\.$email == "second@example.com").count() == 0,
                        "the second email is not made a user of any kind")
                let hash = try #require(admins.first?.passwordHash)
                #expect(try Bcrypt.verify("first-password", created: hash), "the first admin's password is kept")
                #expect(try !Bcrypt.verify("second-password", created: hash))
            }
        }
    }

    @Test func aShortPasswordIsRefusedAndNoAdminIsCreated() async throws {
        try await TestDatabase.with { database in
            await #expect(throws: AdminBootstrapError.passwordTooShort) {
                try await start(database, email: "admin@example.com", password: "short") { _ in }
            }
            #expect(AdminBootstrapError.passwordTooShort.description.contains("PARLEY_ADMIN_PASSWORD"))
            #expect(AdminBootstrapError.passwordTooShort.description.contains("at least 8 characters"))
            try await start(database, email: nil, password: nil) { app in
                let admins = try await Self.admins(app)
                #expect(admins.isEmpty)
            }
        }
    }

    @Test func halfTheCredentialsAreRefused() async throws {
        try await TestDatabase.with { database in
            await #expect(throws: AdminBootstrapError.emailWithoutPassword) {
                try await start(database, email: "admin@example.com", password: nil) { _ in }
            }
            await #expect(throws: AdminBootstrapError.passwordWithoutEmail) {
                try await start(database, email: nil, password: "long-enough-password") { _ in }
            }
        }
    }

    private static func admins(_ app: Application) async throws -> [UserModel] {
        try await UserModel.query(on: app.db).filter(\.$role == UserRole.admin.rawValue).all()
    }

    /// One start of Parley on `database` with the given first-admin settings, shut down after `body`.
    private func start(_ database: TestDatabase, email: String?, password: String?, _ body: (Application) async throws -> Void)
        async throws
    {
        let app = try await Application.make(.testing)
        do {
            try await configure(app, settings: ParleySettings(
                databaseURL: database.url, dataDirectory: database.dataDirectory, adminEmail: email, adminPassword: password,
                bcryptCost: 4, logLevel: .warning))
            try await body(app)
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }
}
