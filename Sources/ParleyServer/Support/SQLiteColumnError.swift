import SQLiteNIO

/// A direct read (`SQLiteRowOutput`, `SQLiteRow.value`) met a row it cannot convert; it names the column and the
/// stored value, as Fluent's own errors do.
enum SQLiteColumnError: Error, CustomStringConvertible {
    case missing(column: String)
    case mismatch(column: String, expected: String, found: SQLiteData)

    var description: String {
        switch self {
        case .missing(let column): "no column \(column) in the row"
        case .mismatch(let column, let expected, let found): "column \(column) holds \(found), not a \(expected)"
        }
    }
}
