import FluentKit
import FluentSQLiteDriver

extension Model {
    /// A model filled from a row of a direct read, its columns named by the bare keys (after `prefix` for one model
    /// of a join), as Fluent fills a model it read.
    static func read(from row: SQLiteRow, prefix: String = "") throws -> Self {
        let model = Self()
        try model.output(from: SQLiteRowOutput(row: row, prefix: prefix))
        return model
    }
}
