import Fluent
import FluentPostgresDriver
import Foundation
import SQLKit
import Vapor

/// A PostgreSQL database of the benchmark's own, created through the server URL it was given and dropped after.
enum ScratchDatabase {
    static func create(serverURL: String) async throws -> String {
        let name = "parley_bench_" + UUID().uuidString.prefix(8).lowercased()
        try await run(#"CREATE DATABASE "\#(name)""#, serverURL: serverURL)
        guard var parts = URLComponents(string: serverURL) else { throw BenchClient.Failure(description: "not a URL: the PostgreSQL URL") }
        parts.path = "/" + name
        return parts.string ?? serverURL
    }

    static func drop(_ url: String, serverURL: String) async throws {
        guard let name = URLComponents(string: url)?.path.dropFirst(), name.hasPrefix("parley_bench_") else { return }
        try await run(#"DROP DATABASE IF EXISTS "\#(name)" WITH (FORCE)"#, serverURL: serverURL)
    }

    private static func run(_ statement: String, serverURL: String) async throws {
        let app = try await Application.make(.init(name: "production", arguments: ["parley"]))
        do {
            app.databases.use(try .postgres(url: serverURL), as: .psql)
            guard let sql = app.db as? SQLDatabase else { throw BenchClient.Failure(description: "not an SQL database") }
            try await sql.raw(SQLQueryString(statement)).run()
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }
}
