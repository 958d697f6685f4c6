import FluentKit
import FluentSQLiteDriver

/// Each model type's look-up statements on SQLite (by the column they match), once written.
private let lookupStatements = KeptValues<LookupKey, String>()

private struct LookupKey: Hashable {
    let type: ObjectIdentifier
    let column: String
}

extension Model {
    /// `find(_:on:)` with the row read straight into the model on SQLite (see `firstDirectly(where:equals:on:)`).
    static func findDirectly(_ id: Int?, on database: any Database) async throws -> Self? where IDValue == Int {
        guard let id else { return nil }
        return try await firstDirectly(where: "id", equals: id, on: database)
    }

    /// The first row whose `column` equals `value`, read straight into the model on SQLite (see
    /// `allReadingRowsDirectly`), by a statement written once per model type and column: a query builder made,
    /// converted and serialized through SQLKit for every look-up (SQLKit's serializer was 3–5 % of the outbound
    /// server's samples; the outbox, status webhooks and API authentication make several per reply). Elsewhere
    /// through Fluent's query.
    static func firstDirectly<Value: Codable & Sendable>(
        where column: FieldKey, equals value: Value, on database: any Database
    ) async throws -> Self? {
        guard let sqlite = database as? any SQLiteDatabase, Self.schema == Self.schemaOrAlias else {
            return try await query(on: database).filter(column, .equal, value).firstReadingRowDirectly()
        }
        let bound = try SQLiteDataEncoder().encode(value)
        return try await sqlite.queryLogged(lookupStatement(matching: column), [bound]).first.map { try Self.read(from: $0) }
    }

    /// `SELECT` every column under its bare key `FROM` the table `WHERE column = ? LIMIT 1`.
    static func lookupStatement(matching column: FieldKey) -> String {
        lookupStatements.value(for: LookupKey(type: ObjectIdentifier(Self.self), column: column.description)) {
            let table = SelectList.quoted(schema)
            return "SELECT \(SelectList(columns: cachedKeys, of: schema).sql) FROM \(table) "
                + "WHERE \(table).\(SelectList.quoted(column.description)) = ? LIMIT 1"
        }
    }
}
