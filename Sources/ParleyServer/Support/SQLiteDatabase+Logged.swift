import FluentSQLiteDriver
import Logging

extension SQLiteDatabase {
    /// Runs SQL text written by Parley itself (the direct reads and writes), logged at trace as the driver logs
    /// Fluent's queries, without the binds.
    func queryLogged(_ text: String, _ binds: [SQLiteData] = []) async throws -> [SQLiteRow] {
        logger.trace("Executing query", metadata: ["sql": .string(text)])
        return try await query(text, binds)
    }
}
