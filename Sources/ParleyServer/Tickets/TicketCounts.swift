import Fluent
import SQLKit

/// Reads how many tickets have some statuses and an assignee from the counts the database keeps
/// (`AddTicketCounts`): a sum over a few rows, however many tickets there are.
struct TicketCounts {
    /// Rows per status and assignee (see `AddTicketCounts`).
    static let shards = 16

    enum Assignee: Sendable {
        case anyone
        case nobody
        case user(Int)
    }

    let statuses: [String]
    let assignee: Assignee

    func count(on db: Database) async throws -> Int {
        let sql = try db.requireSQL()
        let query: SQLQueryString
        switch assignee {
        case .anyone:
            query = "SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) AS total FROM ticket_counts WHERE status IN (\(binds: statuses))"
        case .nobody:
            query = """
                SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) AS total FROM ticket_counts
                WHERE status IN (\(binds: statuses)) AND assignee_id = 0
                """
        case .user(let id):
            query = """
                SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) AS total FROM ticket_counts
                WHERE status IN (\(binds: statuses)) AND assignee_id = \(bind: id)
                """
        }
        return try await sql.raw(query).first(decodingColumn: "total", as: Int.self) ?? 0
    }

    /// How many tickets each status has, all assignees together.
    static func byStatus(on db: Database) async throws -> [String: Int] {
        let sql = try db.requireSQL()
        let rows = try await sql.raw("SELECT status, CAST(SUM(n) AS BIGINT) AS total FROM ticket_counts GROUP BY status").all()
        var counts: [String: Int] = [:]
        for row in rows { counts[try row.decode(column: "status", as: String.self)] = try row.decode(column: "total", as: Int.self) }
        return counts
    }

    /// Narrows a ticket query to the tickets this count counts.
    func filter(_ query: QueryBuilder<TicketModel>) {
        query.filter(\.$status ~~ statuses)
        switch assignee {
        case .anyone: break
        case .nobody: query.filter(\.$assigneeID == nil)
        case .user(let id): query.filter(\.$assigneeID == id)
        }
    }
}
