import Fluent
import SQLKit

extension Database {
    /// Serializes, until the current transaction ends, the transactions that name the same `key` — work about
    /// one thing that has no row to lock yet. On PostgreSQL instances run such work side by side: two webhooks
    /// of one person could both open a ticket, and a status could miss the send it reports on while that send
    /// is being recorded. SQLite has one writer (the write gate) and needs nothing.
    func lockUntilCommit(_ key: String) async throws {
        guard let sql = self as? SQLDatabase, sql.isPostgreSQL else { return }
        try await sql.raw("SELECT pg_advisory_xact_lock(hashtextextended(\(bind: "parley:" + key), 0))").run()
    }
}
