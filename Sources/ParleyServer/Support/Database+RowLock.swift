import Fluent
import SQLKit

extension Database {
    /// Holds a row until the surrounding transaction ends, so writers that read a row, decide and write it back
    /// (the outbox finishing a send, a status webhook moving the same comment) take turns instead of one
    /// overwriting the other's change. Read the row again after this call to see the latest committed state.
    /// PostgreSQL only: on SQLite the write gate already lets one writer in at a time, so nothing can have
    /// changed since the transaction read it. Returns whether it locked (whether a read again is worth it).
    @discardableResult
    func lockRow(in schema: String, id: Int) async throws -> Bool {
        guard let sql = self as? SQLDatabase, sql.isPostgreSQL else { return false }
        try await sql.raw("SELECT 1 FROM \(ident: schema) WHERE id = \(bind: id) FOR UPDATE").run()
        return true
    }
}
