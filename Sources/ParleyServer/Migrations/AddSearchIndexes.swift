import Fluent
import SQLKit

/// Full-text indexes for search over comments, ticket subjects and requester names (see `FullTextSearch`): a
/// `LIKE '%word%'` read all ten million comments of a large helpdesk when the word was rare. SQLite keeps an
/// FTS5 table per text, filled by triggers; PostgreSQL a GIN index over the text's words.
struct AddSearchIndexes: AsyncMigration {
    func prepare(on database: Database) async throws {
        guard let sql = database as? SQLDatabase else { return }
        for source in FullTextSearch.Source.allCases {
            let table = source.table, column = source.column, fts = source.ftsTable
            if sql.isPostgreSQL {
                try await sql.raw("""
                    CREATE INDEX \(ident: fts) ON \(ident: table) USING gin (to_tsvector('simple', COALESCE(\(ident: column), '')))
                    """).run()
                continue
            }
            // External content: the text stays in its table once; the index refers to its rowid.
            try await sql.raw("""
                CREATE VIRTUAL TABLE \(ident: fts) USING fts5(\(ident: column), content=\(literal: table), content_rowid='id')
                """).run()
            let add = "INSERT INTO \(fts)(rowid, \(column)) VALUES (NEW.id, NEW.\(column));"
            let remove = "INSERT INTO \(fts)(\(fts), rowid, \(column)) VALUES ('delete', OLD.id, OLD.\(column));"
            try await sql.raw("CREATE TRIGGER \(ident: fts + "_insert") AFTER INSERT ON \(ident: table) BEGIN \(unsafeRaw: add) END").run()
            try await sql.raw("CREATE TRIGGER \(ident: fts + "_delete") AFTER DELETE ON \(ident: table) BEGIN \(unsafeRaw: remove) END").run()
            try await sql.raw("""
                CREATE TRIGGER \(ident: fts + "_update") AFTER UPDATE OF \(ident: column) ON \(ident: table)
                BEGIN \(unsafeRaw: remove) \(unsafeRaw: add) END
                """).run()
            try await sql.raw("INSERT INTO \(ident: fts)(\(ident: fts)) VALUES ('rebuild')").run()
        }
    }

    func revert(on database: Database) async throws {
        guard let sql = database as? SQLDatabase else { return }
        for source in FullTextSearch.Source.allCases {
            let fts = source.ftsTable
            if sql.isPostgreSQL {
                try await sql.raw("DROP INDEX \(ident: fts)").run()
                continue
            }
            for suffix in ["_insert", "_delete", "_update"] {
                try await sql.raw("DROP TRIGGER \(ident: fts + suffix)").run()
            }
            try await sql.raw("DROP TABLE \(ident: fts)").run()
        }
    }
}
