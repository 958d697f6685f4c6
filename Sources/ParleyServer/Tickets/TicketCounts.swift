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
        guard let sql = db as? SQLDatabase else { throw SQLDatabaseRequired() }
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

    struct SQLDatabaseRequired: Error {}
}
