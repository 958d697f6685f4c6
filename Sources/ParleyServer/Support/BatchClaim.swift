import Foundation
import SQLKit

/// Takes up to `limit` rows of a work queue in one statement and returns the token they now carry: rows
/// waiting whose time has come, and rows another worker claimed but stopped refreshing (it died mid-work).
/// On PostgreSQL `FOR UPDATE SKIP LOCKED` lets several instances claim side by side, never sharing a row
/// and never waiting on each other; SQLite has one writer, so the statement alone is enough.
struct BatchClaim {
    let table: String
    let statusColumn: String
    let claimColumn: String
    /// When a waiting row is due; on a claimed row, when it was last claimed or refreshed.
    let timeColumn: String

    func claim(
        on sql: SQLDatabase, waiting: (status: String, dueBy: Date), abandoned: (status: String, quietSince: Date),
        stamp: Date, limit: Int
    ) async throws -> String {
        let token = UUID().uuidString
        let skipLocked = sql.isPostgreSQL ? SQLRaw(" FOR UPDATE SKIP LOCKED") : SQLRaw("")
        let (table, status, claim, time) = (SQLIdentifier(table), SQLIdentifier(statusColumn), SQLIdentifier(claimColumn),
                                            SQLIdentifier(timeColumn))
        // The limit as a literal: SQLite re-prepares a statement whose LIMIT is bound, on its first step.
        try await sql.raw("""
            UPDATE \(table) SET \(status) = \(bind: abandoned.status), \(claim) = \(bind: token), \(time) = \(bind: stamp)
            WHERE id IN (SELECT id FROM \(table)
                WHERE (\(status) = \(bind: waiting.status) AND \(time) <= \(bind: waiting.dueBy))
                   OR (\(status) = \(bind: abandoned.status) AND \(time) <= \(bind: abandoned.quietSince))
                ORDER BY id LIMIT \(literal: limit)\(skipLocked))
            """).run()
        return token
    }
}
