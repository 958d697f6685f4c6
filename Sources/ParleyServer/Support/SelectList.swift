import FluentKit
import SQLKit

/// A query's selected columns written once as plain SQL (`"tickets"."subject" AS "tickets_subject", …`). SQLKit
/// quotes each identifier through the standard library's generic `replacing` (its faster own version is for debug
/// builds and Apple platforms only): three per column, a fifth of an inbound message's time went to writing the
/// column lists of two SELECTs (profiled).
struct SelectList {
    /// How each column is named in the result: Fluent's own `schema_key` (its row output reads those), or the
    /// bare key (read by `SQLiteRowOutput`).
    enum Aliases { case fluent, bare }

    let sql: String

    /// Nil when a field is not one plain column of a table, or the database quotes identifiers otherwise than `"`
    /// (both of Parley's stores quote so).
    init?(_ fields: [DatabaseQuery.Field], aliases: Aliases, on database: any SQLDatabase) {
        guard (database.dialect.identifierQuote as? SQLRaw)?.sql == "\"", !fields.isEmpty else { return nil }
        var sql = ""
        for field in fields {
            guard case .extendedPath(let path, let schema, nil) = field, path.count == 1 else { return nil }
            let key = path[0].description
            if !sql.isEmpty { sql += ", " }
            sql += Self.quoted(schema) + "." + Self.quoted(key) + " AS "
                + Self.quoted(aliases == .bare ? key : schema + "_" + key)
        }
        self.sql = sql
    }

    /// Columns of one table under their bare keys (after `prefix`, for one table of a join), for a list built once
    /// (the stores it serves quote with `"`).
    init(columns: [FieldKey], of schema: String, prefix: String = "") {
        sql = columns.map { Self.quoted(schema) + "." + Self.quoted($0.description) + " AS " + Self.quoted(prefix + $0.description) }
            .joined(separator: ", ")
    }

    static func quoted(_ identifier: String) -> String {
        // On the bytes: `String.contains` of a string is Foundation's `range(of:)` here, through NSString on Linux
        // (profiled: 2 % of the inbound server's time, for quoting column names).
        let escaped = identifier.utf8.contains(UInt8(ascii: "\"")) ? identifier.split(separator: "\"", omittingEmptySubsequences: false)
            .joined(separator: "\"\"") : identifier
        return "\"" + escaped + "\""
    }

    /// The list as the single field of a Fluent query.
    var field: DatabaseQuery.Field { .custom(SQLRaw(sql)) }
}
