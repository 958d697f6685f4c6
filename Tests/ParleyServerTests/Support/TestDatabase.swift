import Fluent
import FluentPostgresDriver
import Foundation
import Vapor

/// Where a test's data lives: a fresh SQLite file, or — when `PARLEY_TEST_DATABASE_URL` names a PostgreSQL
/// server — a fresh database on that server, so tests never share state and can run in parallel.
struct TestDatabase {
    let url: String?
    let dataDirectory: String

    static var postgresServer: String? {
        let value = ProcessInfo.processInfo.environment["PARLEY_TEST_DATABASE_URL"]
        return (value?.isEmpty ?? true) ? nil : value
    }

    static func make() async throws -> TestDatabase {
        let directory = NSTemporaryDirectory() + "parley-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        guard let server = postgresServer else { return TestDatabase(url: nil, dataDirectory: directory) }
        let name = "parley_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        try await withAdminConnection(server) { sql in
            try await sql.raw("CREATE DATABASE \(unsafeRaw: name)").run()
        }
        return TestDatabase(url: replaceDatabase(in: server, with: name), dataDirectory: directory)
    }

    /// Runs `body` on a fresh database and always removes it afterwards.
    static func with(_ body: (TestDatabase) async throws -> Void) async throws {
        let database = try await make()
        do {
            try await body(database)
        } catch {
            await database.drop()
            throw error
        }
        await database.drop()
    }

    func drop() async {
        try? FileManager.default.removeItem(atPath: dataDirectory)
        guard let server = TestDatabase.postgresServer, let url, let name = url.split(separator: "/").last else { return }
        try? await TestDatabase.withAdminConnection(server) { sql in
            try await sql.raw("DROP DATABASE IF EXISTS \(unsafeRaw: String(name)) WITH (FORCE)").run()
        }
    }

    private static func withAdminConnection(_ url: String, _ body: (SQLDatabase) async throws -> Void) async throws {
        let app = try await Application.make(.testing)
        app.logger.logLevel = .error
        do {
            app.databases.use(try .postgres(url: url), as: .psql)
            guard let sql = app.db as? SQLDatabase else { throw Abort(.internalServerError) }
            try await body(sql)
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }

    private static func replaceDatabase(in url: String, with name: String) -> String {
        guard var components = URLComponents(string: url) else { return url }
        components.path = "/" + name
        return components.string ?? url
    }
}
