import SQLiteNIO

extension SQLiteRow {
    /// A column's value as `T`; a missing column, a null or another type is an error.
    func value<T: SQLiteDataConvertible>(_ column: String, as type: T.Type = T.self) throws -> T {
        guard let data = self.column(column) else { throw SQLiteColumnError.missing(column: column) }
        guard let value = T(sqliteData: data) else {
            throw SQLiteColumnError.mismatch(column: column, expected: "\(T.self)", found: data)
        }
        return value
    }

    /// A column's value as `T`, nil for a null.
    func optionalValue<T: SQLiteDataConvertible>(_ column: String, as type: T.Type = T.self) throws -> T? {
        guard let data = self.column(column) else { throw SQLiteColumnError.missing(column: column) }
        if data.isNull { return nil }
        guard let value = T(sqliteData: data) else {
            throw SQLiteColumnError.mismatch(column: column, expected: "\(T.self)", found: data)
        }
        return value
    }
}
