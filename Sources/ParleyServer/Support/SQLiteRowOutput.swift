import FluentKit
import FluentSQLiteDriver
import Foundation

/// One SQLite row as Fluent's `DatabaseOutput`, its columns named by the bare field keys, or by the keys after a
/// prefix for one model of a join (see `QueryBuilder.allReadingRowsDirectly`, `EndUserResolver`). Fluent's own output builds the prefixed column name three times per
/// field and finds each value's type through a dynamic protocol cast; for the types Parley's models use it
/// converts directly, and anything else goes through the driver's own `SQLiteDataDecoder`, as before.
struct SQLiteRowOutput: DatabaseOutput {
    let row: SQLiteRow
    var prefix = ""

    var description: String { row.description }

    /// The columns already carry the bare keys, so the schema changes nothing.
    func schema(_ schema: String) -> any DatabaseOutput { self }

    func contains(_ key: FieldKey) -> Bool { row.column(prefix + key.description) != nil }

    func decodeNil(_ key: FieldKey) throws -> Bool { row.column(prefix + key.description)?.isNull ?? true }

    func decode<T: Decodable>(_ key: FieldKey, as type: T.Type) throws -> T {
        let column = prefix + key.description
        guard let data = row.column(column) else { throw SQLiteColumnError.missing(column: column) }
        // An optional field asks for `Value?` (after `decodeNil` said it is not null).
        let converted: Any? =
            if T.self == String.self || T.self == String?.self { String(sqliteData: data) }
            else if T.self == Int.self || T.self == Int?.self { Int(sqliteData: data) }
            else if T.self == Date.self || T.self == Date?.self { Date(sqliteData: data) }
            else if T.self == Bool.self || T.self == Bool?.self { Bool(sqliteData: data) }
            else if T.self == Double.self || T.self == Double?.self { Double(sqliteData: data) }
            else { try SQLiteDataDecoder().decode(T.self, from: data) }
        guard let value = converted as? T else { throw SQLiteColumnError.mismatch(column: column, expected: "\(T.self)", found: data) }
        return value
    }
}
