import Fluent
import FluentSQL
import SQLKit

extension QueryBuilder {
    /// `field` contains `text`, ignoring case on both databases: SQLite's LIKE already ignores ASCII case,
    /// PostgreSQL's does not (ILIKE does). `%` and `_` in the text are matched literally.
    @discardableResult
    func filter<Field: QueryableProperty>(_ field: KeyPath<Model, Field>, containsIgnoringCase text: String) -> Self
        where Field.Model == Model
    {
        let escaped = text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_")
        let isPostgres = (database as? SQLDatabase)?.dialect.name == "postgresql"
        let column = SQLColumn(SQLIdentifier(Model.path(for: field).map(\.description).joined(separator: "_")),
                               table: SQLIdentifier(Model.schemaOrAlias))
        let pattern = SQLBinaryExpression(left: SQLBind("%" + escaped + "%"), op: SQLRaw("ESCAPE"), right: SQLLiteral.string("\\"))
        return filter(.sql(SQLBinaryExpression(left: column, op: SQLRaw(isPostgres ? "ILIKE" : "LIKE"), right: pattern)))
    }
}
