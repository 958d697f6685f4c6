import ParleyCore
import SQLKit

/// Finds rows whose text holds every word of a search through the full-text indexes `AddSearchIndexes` made
/// (SQLite FTS5 tables, PostgreSQL GIN indexes over `to_tsvector('simple', …)`): a search of ten million
/// comments reads the index, not every comment. On SQLite the newest rows come first; PostgreSQL returns the
/// first it finds: asked for its newest, it walked the table backwards testing each row, and a word nobody wrote
/// took a minute on ten million comments (measured), where the index answers at once.
struct FullTextSearch {
    /// The indexed texts: the table, its text column, and on SQLite its FTS5 table.
    enum Source: CaseIterable {
        case comments
        case ticketSubjects
        case userNames

        var table: String {
            switch self {
            case .comments: "comments"
            case .ticketSubjects: "tickets"
            case .userNames: "users"
            }
        }

        var column: String {
            switch self {
            case .comments: "body"
            case .ticketSubjects: "subject"
            case .userNames: "name"
            }
        }

        var ftsTable: String { "\(table)_search" }

        /// The column a match returns: the ticket for a comment, the row itself otherwise.
        var resultColumn: String { self == .comments ? "ticket_id" : "id" }
    }

    let sql: SQLDatabase

    /// Up to `limit` ids (see `Source.resultColumn`) of rows of `source` holding every word of `terms`, in the
    /// column `found`: a subquery of `TicketSearch`'s statement.
    func query(_ source: Source, matching terms: SearchTerms, limit: Int) -> SQLQueryString {
        if sql.isPostgreSQL {
            return """
                SELECT \(ident: source.resultColumn) AS found FROM \(ident: source.table)
                WHERE to_tsvector('simple', COALESCE(\(ident: source.column), '')) @@ to_tsquery('simple', \(bind: terms.tsQuery))
                LIMIT \(literal: limit)
                """
        } else if source == .comments {
            return """
                SELECT ticket_id AS found FROM comments WHERE id IN (SELECT rowid FROM \(ident: source.ftsTable)
                WHERE \(ident: source.ftsTable) MATCH \(bind: terms.fts5Query) ORDER BY rowid DESC LIMIT \(literal: limit))
                """
        } else {
            return """
                SELECT rowid AS found FROM \(ident: source.ftsTable) WHERE \(ident: source.ftsTable) MATCH \(bind: terms.fts5Query)
                ORDER BY rowid DESC LIMIT \(literal: limit)
                """
        }
    }
}
