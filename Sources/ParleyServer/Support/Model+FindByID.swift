import FluentKit
import FluentSQLiteDriver
import NIOConcurrencyHelpers

/// Each model type's find-by-id statement on SQLite, once written.
private let findStatementByType = NIOLockedValueBox<[ObjectIdentifier: String]>([:])

extension Model where IDValue == Int {
    /// `find(_:on:)` with the row read straight into the model on SQLite (see `allReadingRowsDirectly`). Its text is
    /// written once per model type: a query builder made, converted and serialized through SQLKit for every look-up
    /// was most of what a look-up cost the server (the outbox and status webhooks make several per reply).
    static func findDirectly(_ id: Int?, on database: any Database) async throws -> Self? {
        guard let id else { return nil }
        guard let sqlite = database as? any SQLiteDatabase, Self.schema == Self.schemaOrAlias else {
            return try await query(on: database).filter("id", .equal, id).firstReadingRowDirectly()
        }
        return try await sqlite.queryLogged(findStatement, [.integer(id)]).first.map { try Self.read(from: $0) }
    }

    /// `SELECT` every column under its bare key `FROM` the table `WHERE id = ? LIMIT 1`.
    static var findStatement: String {
        let type = ObjectIdentifier(Self.self)
        if let known = findStatementByType.withLockedValue({ $0[type] }) { return known }
        let table = SelectList.quoted(schema)
        let text = "SELECT \(SelectList(columns: cachedKeys, of: schema).sql) FROM \(table) WHERE \(table).\"id\" = ? LIMIT 1"
        findStatementByType.withLockedValue { $0[type] = text }
        return text
    }
}
