import FluentKit

extension DatabaseID {
    /// The same SQLite file as `.sqlite`, opened again for the group commits (`WriterDatabases`).
    static let sqliteWriter = DatabaseID(string: "sqlite-writer")
}
