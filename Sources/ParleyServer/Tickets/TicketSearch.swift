import Fluent
import ParleyCore
import SQLKit

/// One page of the tickets a search finds, and how many it finds, in one statement: the full-text matches (the
/// newest `perSource` of each indexed text) feed the ticket query as subqueries. Asked one by one (three searches,
/// a count, the page's ids) they were six statements, and the ids went back and forth as hundreds of bound values.
struct TicketSearch {
    struct Page: Equatable {
        let ids: [Int]
        let count: Int
    }

    static let perSource = 200
    let sql: SQLDatabase

    init(_ db: Database) throws {
        sql = try db.requireSQL()
    }

    /// `text` is the search as typed, `terms` its words: a ticket number finds that ticket, an email address its
    /// requester's tickets, and the words subjects, comments and requesters' names. `column` must be one of the
    /// tickets' columns.
    func page(_ text: String, terms: SearchTerms, sortedBy column: String, descending: Bool, offset: Int, limit: Int)
        async throws -> Page
    {
        let search = FullTextSearch(sql: sql)
        var tickets: [SQLQueryString] = []
        var requesters: [SQLQueryString] = []
        if !terms.isEmpty {
            tickets.append(search.query(.comments, matching: terms, limit: Self.perSource))
            tickets.append(search.query(.ticketSubjects, matching: terms, limit: Self.perSource))
            requesters.append(search.query(.userNames, matching: terms, limit: Self.perSource))
        }
        if let number = Int(text) { tickets.append("SELECT \(bind: number) AS found") }
        if text.contains("@") { requesters.append("SELECT id AS found FROM users WHERE email = \(bind: text.lowercased())") }
        var matches: [SQLQueryString] = []
        if !tickets.isEmpty { matches.append("id \(among(tickets))") }
        if !requesters.isEmpty { matches.append("requester_id \(among(requesters))") }
        guard !matches.isEmpty else { return Page(ids: [], count: 0) }
        let condition = matches.joined(separator: " OR ")
        let direction = SQLRaw(descending ? "DESC" : "ASC")
        let rows = try await sql.raw("""
            SELECT id, COUNT(*) OVER () AS total FROM tickets WHERE \(condition)
            ORDER BY \(ident: column) \(direction), id \(direction) LIMIT \(literal: limit) OFFSET \(literal: offset)
            """).all()
        let ids = try rows.map { try $0.decode(column: "id", as: Int.self) }
        if let first = rows.first { return Page(ids: ids, count: try first.decode(column: "total", as: Int.self)) }
        // A page past the last has no row to carry the count.
        let count = offset == 0 ? 0 : try await sql.raw("SELECT COUNT(*) AS total FROM tickets WHERE \(condition)").first()?
            .decode(column: "total", as: Int.self) ?? 0
        return Page(ids: [], count: count)
    }

    /// `IN` the union of the queries' `found` ids. PostgreSQL reads an `IN (subquery)` under an OR by testing every
    /// ticket; an array it computes once lets it use the indexes.
    private func among(_ queries: [SQLQueryString]) -> SQLQueryString {
        let union = queries.enumerated().map { index, query -> SQLQueryString in
            "SELECT found FROM (\(query)) AS source\(literal: index)"
        }.joined(separator: " UNION ALL ")
        return sql.isPostgreSQL ? "= ANY (ARRAY(\(union)))" : "IN (\(union))"
    }
}
