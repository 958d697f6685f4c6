import Fluent
import Foundation
import SQLKit
import Vapor

/// The database's own limit for Parley's kind of write: single-row transactions, each committed durably
/// (synced), one after another, on a scratch table next to Parley's data. `parley bench` prints Parley's
/// webhook rate as a share of it.
public enum InsertCeiling {
    public struct Result: Sendable {
        public let inserts: Int
        public let seconds: Double
        public var perSecond: Double { seconds > 0 ? Double(inserts) / seconds : 0 }
    }

    public static func measure(settings: ParleySettings, seconds: Double) async throws -> Result {
        let app = try await Application.make(.init(name: "production", arguments: ["parley"]))
        let scratch = (settings.dataDirectory as NSString).appendingPathComponent("insert-ceiling.sqlite")
        do {
            try await DatabaseSetup.use(settings, sqlitePath: scratch, on: app)
            try await DatabaseSetup.prepare(app.db, settings: settings)
            guard let sql = app.db as? SQLDatabase else { throw Abort(.internalServerError, reason: "not an SQL database") }
            try await sql.raw("DROP TABLE IF EXISTS insert_ceiling").run()
            try await sql.raw("CREATE TABLE insert_ceiling (id INTEGER PRIMARY KEY, body TEXT NOT NULL)").run()
            let body = String(repeating: "x", count: 200)  // about a text comment
            let start = Date()
            var count = 0
            while Date().timeIntervalSince(start) < seconds {
                try await sql.raw("INSERT INTO insert_ceiling (id, body) VALUES (\(bind: count + 1), \(bind: body))").run()
                count += 1
            }
            let elapsed = Date().timeIntervalSince(start)
            try await sql.raw("DROP TABLE insert_ceiling").run()
            try await app.asyncShutdown()
            if !settings.usesPostgres {
                for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: scratch + suffix) }
            }
            return Result(inserts: count, seconds: elapsed)
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
    }
}
