import Fluent
import SQLKit

extension SQLDatabase {
    /// Where Parley's SQL differs between its two stores (locks, full-text search, trigger functions).
    var isPostgreSQL: Bool { dialect.name == "postgresql" }
}

extension Database {
    /// The database's SQL side, for queries Fluent cannot express; both of Parley's stores have one.
    func requireSQL() throws -> any SQLDatabase {
        guard let sql = self as? any SQLDatabase else { throw SQLDatabaseRequired() }
        return sql
    }
}
