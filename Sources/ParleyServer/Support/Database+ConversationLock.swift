import Fluent
import SQLKit

extension Database {
    /// Serializes the transactions that touch one end user's conversation until the current transaction ends.
    /// Two webhooks for the same person may be handled at once by two instances on PostgreSQL: without this,
    /// both could open a ticket, or an older message could write back an older "last message" time. SQLite has
    /// one writer (the write gate) and needs nothing.
    func lockConversation(_ key: String) async throws {
        guard let sql = self as? SQLDatabase, sql.dialect.name == "postgresql" else { return }
        try await sql.raw("SELECT pg_advisory_xact_lock(hashtextextended(\(bind: "parley.conversation:" + key), 0))").run()
    }
}
