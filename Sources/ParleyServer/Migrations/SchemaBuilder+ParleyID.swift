import Fluent
import SQLKit

extension SchemaBuilder {
    /// An auto-incrementing integer key that is never handed out twice. SQLite reuses the highest id after a
    /// delete unless the key says AUTOINCREMENT; a reused id would make old audit events point at a new record.
    func parleyID(_ database: Database) -> SchemaBuilder {
        if (database as? SQLDatabase)?.dialect.name == "sqlite" {
            return field("id", .int, .sql(unsafeRaw: "PRIMARY KEY AUTOINCREMENT"))
        }
        return field("id", .int, .identifier(auto: true))
    }
}
