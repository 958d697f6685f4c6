import FluentKit
import FluentSQL
import FluentSQLiteDriver
import Logging

extension QueryBuilder {
    /// The same models as `all()`. On SQLite the rows come straight from SQLiteNIO into the models through
    /// `SQLiteRowOutput`: Fluent's way of filling a model from a row was the largest single cost of a ticket list page
    /// (a fifth of its time, profiled), most of it per field, per row. Queries it does not cover (joins, eager loads,
    /// anything but plain field selections) and PostgreSQL go through `all()`.
    func allReadingRowsDirectly() async throws -> [Model] {
        guard let sqlite = database as? any SQLiteDatabase, let sql = database as? any SQLDatabase,
            eagerLoaders.isEmpty, case .read = query.action, query.joins.isEmpty,
            let fields = Self.bareColumns(query.fields.isEmpty ? Model.keys.map { .extendedPath([$0], schema: Model.schemaOrAlias, space: nil) } : query.fields)
        else { return try await all() }
        var direct = query
        direct.fields = fields
        let (text, values) = sql.serialize(SQLQueryConverter(delegate: ReadDelegate()).convert(direct))
        let encoder = SQLiteDataEncoder()
        let binds = try values.map { try encoder.encode($0) }
        sql.logger.trace("Executing query", metadata: ["sql": .string(text)])
        let rows = try await sqlite.query(text, binds)
        return try rows.map { row in
            let model = Model()
            try model.output(from: SQLiteRowOutput(row: row))
            return model
        }
    }

    /// The selected fields as columns named by their bare keys (`"tickets"."subject" AS "subject"`), or nil when a
    /// field is not one plain column of this model's table.
    private static func bareColumns(_ fields: [DatabaseQuery.Field]) -> [DatabaseQuery.Field]? {
        var columns: [DatabaseQuery.Field] = []
        for field in fields {
            guard case .extendedPath(let path, let schema, nil) = field, path.count == 1, schema == Model.schemaOrAlias
            else { return nil }
            let key = path[0].description
            columns.append(.custom(SQLAlias(SQLColumn(SQLIdentifier(key), table: SQLIdentifier(schema)), as: SQLIdentifier(key))))
        }
        return columns
    }

    /// Reads need no schema types; nested paths are not used by the queries this serves.
    private struct ReadDelegate: SQLConverterDelegate {
        func customDataType(_ dataType: DatabaseSchema.DataType) -> (any SQLExpression)? { nil }
    }
}
