import FluentKit
import FluentSQL
import FluentSQLiteDriver

extension QueryBuilder {
    /// The same models as `all()`. On SQLite the rows come straight from SQLiteNIO into the models through
    /// `SQLiteRowOutput`: Fluent's way of filling a model from a row was the largest single cost of a ticket list page
    /// (a fifth of its time, profiled), most of it per field, per row. Queries it does not cover (joins, eager loads,
    /// anything but plain columns of the model's table) and PostgreSQL go through `all()`, their columns listed once
    /// (see `SelectList`).
    func allReadingRowsDirectly() async throws -> [Model] {
        try await plainRows(sqlite: { try Model.read(from: $0) }, models: { $0 })
    }

    /// The first of `allReadingRowsDirectly()`.
    func firstReadingRowDirectly() async throws -> Model? {
        try await copy().limit(1).allReadingRowsDirectly().first
    }

    /// Each row of the query as a plain value: on SQLite converted straight from the driver's row, whose columns
    /// carry the bare field keys; elsewhere (and for queries the direct read does not cover) from `all()`'s models.
    /// `select`, built once by a caller that reads the same columns every time, stands for the selected fields' list.
    func plainRows<Row>(select: SelectList? = nil, sqlite: (SQLiteRow) throws -> Row, models: (Model) throws -> Row) async throws -> [Row] {
        let fields = selectedFields
        guard let sqliteDatabase = database as? any SQLiteDatabase, let sql = database as? any SQLDatabase,
            eagerLoaders.isEmpty, case .read = query.action, query.joins.isEmpty,
            fields.allSatisfy({ if case .extendedPath(_, Model.schemaOrAlias, _) = $0 { true } else { false } }),
            let list = select ?? SelectList(fields, aliases: .bare, on: sql)
        else { return try await copy().fieldsAsOneList().all().map(models) }
        var direct = query
        direct.fields = [list.field]
        let (text, values) = sql.serialize(SQLQueryConverter(delegate: ReadDelegate()).convert(direct))
        let encoder = SQLiteDataEncoder()
        let binds = try values.map { try encoder.encode($0) }
        return try await sqliteDatabase.queryLogged(text, binds).map(sqlite)
    }

    /// The selected columns, or else every column of the model, as one plain SQL list for Fluent's own read (see
    /// `SelectList`). A join reads the joined models' columns only when they are selected (`fields(for:)`).
    func fieldsAsOneList() -> Self {
        // With nothing selected Fluent reads every joined model's columns too, which this cannot name.
        guard let sql = database as? any SQLDatabase, !(query.fields.isEmpty && !query.joins.isEmpty) else { return self }
        guard let list = SelectList(selectedFields, aliases: .fluent, on: sql) else { return self }
        query.fields = [list.field]
        return self
    }

    /// The fields selected, or else every field of the model, as Fluent's own read names them.
    private var selectedFields: [DatabaseQuery.Field] {
        guard query.fields.isEmpty else { return query.fields }
        return Model.cachedKeys.map { .extendedPath([$0], schema: Model.schemaOrAlias, space: Model.spaceIfNotAliased) }
    }

    /// Reads need no schema types; nested paths are not used by the queries this serves.
    private struct ReadDelegate: SQLConverterDelegate {
        func customDataType(_ dataType: DatabaseSchema.DataType) -> (any SQLExpression)? { nil }
    }
}
