import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import SQLKit
import Vapor

/// How Parley opens its database: PostgreSQL when a URL is set, otherwise the SQLite file in the data dir.
/// `parley bench` measures its raw-insert ceiling through the same set-up.
public enum DatabaseSetup {
    public static func use(_ settings: ParleySettings, sqlitePath: String? = nil, on app: Application) async throws {
        if settings.usesPostgres, let url = settings.databaseURL {
            // One connection per event loop (the driver's default) queues every request behind the slowest
            // transaction, and a person's webhooks wait on each other's lock while holding theirs.
            app.databases.use(try .postgres(url: url, maxConnectionsPerEventLoop: 4, connectionPoolTimeout: .seconds(30),
                                            sqlLogLevel: .trace), as: .psql)
        } else {
            let file = SQLiteConfiguration.Storage.file(path: sqlitePath ?? settings.sqlitePath)
            app.databases.use(.sqlite(.init(storage: file), sqlLogLevel: .trace), as: .sqlite)
            // Fluent keeps one SQLite connection per event loop. A group commit holds its connection for the whole
            // batch, mostly while its jobs compute; on the pool's connection every read of that event loop waited
            // for it. With WAL, reads on the pool go on beside the writer's own connections.
            await app.useWriterDatabases(WriterDatabases(storage: file, on: app.eventLoopGroup))
        }
    }

    /// Where the group commits write: the writer's connections on SQLite, the pool on PostgreSQL.
    public static func writer(of app: Application, settings: ParleySettings) -> any Database {
        guard !settings.usesPostgres, let writers = app.writerDatabases else { return app.db }
        // A batch's jobs go on where its statements' answers arrive, on the event loop it was given. `any()` kept the
        // one the group commit's task runs on, which then did every batch's work (60 % of its samples against 19 %
        // on the other, profiled during `--only outbound`); taking turns spreads them.
        return writers.database(logger: app.logger, on: app.eventLoopGroup.next())
    }

    public static func prepare(_ db: Database, settings: ParleySettings) async throws {
        guard !settings.usesPostgres, let sql = db as? SQLDatabase else { return }
        // WAL lets readers work while a write commits; FULL syncs each commit, since an acknowledged
        // webhook is never resent.
        try await sql.raw("PRAGMA journal_mode=WAL").run()
        try await sql.raw("PRAGMA synchronous=FULL").run()
    }
}
