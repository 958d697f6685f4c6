import Foundation
import VaporCSQLite

/// Runs one statement on a SQLite file through the C interface SQLiteNIO is built on, and says how many times
/// SQLite had to prepare it again while it ran (SQLiteNIO prepares every statement afresh and keeps no handle, so a
/// re-preparation doubles the statement's cost).
enum PreparedStatementProbe {
    enum Bind {
        case integer(Int64)
        case text(String)
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func reprepares(_ sql: String, binds: [Bind], onFile path: String) throws -> Int32 {
        var db: OpaquePointer?
        guard sqlite_nio_sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, nil) == SQLITE_OK else {
            throw Failure(description: "cannot open \(path)")
        }
        defer { sqlite_nio_sqlite3_close(db) }
        var statement: OpaquePointer?
        guard sqlite_nio_sqlite3_prepare_v3(db, sql, -1, 0, &statement, nil) == SQLITE_OK else {
            throw Failure(description: String(cString: sqlite_nio_sqlite3_errmsg(db)))
        }
        defer { sqlite_nio_sqlite3_finalize(statement) }
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
        for (index, bind) in binds.enumerated() {
            switch bind {
            case .integer(let value): sqlite_nio_sqlite3_bind_int64(statement, Int32(index + 1), value)
            case .text(let value): sqlite_nio_sqlite3_bind_text(statement, Int32(index + 1), value, -1, transient)
            }
        }
        var step = sqlite_nio_sqlite3_step(statement)
        while step == SQLITE_ROW { step = sqlite_nio_sqlite3_step(statement) }
        guard step == SQLITE_DONE else { throw Failure(description: String(cString: sqlite_nio_sqlite3_errmsg(db))) }
        return sqlite_nio_sqlite3_stmt_status(statement, SQLITE_STMTSTATUS_REPREPARE, 0)
    }
}
