import Fluent
import FluentSQLiteDriver
import NIOPosix
import Vapor

/// The connections the group commits write on (SQLite only), with a thread pool of one thread of their own.
///
/// SQLiteNIO runs each statement (prepare, every step, finalize) as one work item of its pool, releasing the
/// connection between steps. Lanes use one connection from several tasks, so on a pool of two threads a statement
/// could open while another was between its steps. SQLite keeps statement savepoints as a stack and assumes they close
/// in reverse order: two `INSERT … RETURNING` closing out of order left a savepoint behind, and the next statement to
/// fail (a duplicate key, as the ledger's) rolled back to it, taking other statements' rows that had already been
/// reported as stored (`GroupCommitTests.statementsOfTwoLanesDoNotOverlapOnTheConnection`). On one thread each
/// statement finishes before the next begins; the lanes' Swift work between statements still overlaps.
final class WriterDatabases: Sendable {
    private let threadPool: NIOThreadPool
    private let databases: Databases

    init(storage: SQLiteConfiguration.Storage, on eventLoopGroup: any EventLoopGroup) {
        threadPool = NIOThreadPool(numberOfThreads: 1)
        threadPool.start()
        databases = Databases(threadPool: threadPool, on: eventLoopGroup)
        databases.use(.sqlite(.init(storage: storage), sqlLogLevel: .trace), as: .sqliteWriter, isDefault: true)
    }

    func database(logger: Logger, on eventLoop: any EventLoop) -> any Database {
        databases.database(.sqliteWriter, logger: logger, on: eventLoop)!
    }

    func shutdown() async throws {
        await databases.shutdownAsync()
        try await threadPool.shutdownGracefully()
    }
}

extension Application {
    private struct WriterDatabasesKey: StorageKey { typealias Value = WriterDatabases }

    /// Set by `DatabaseSetup.use` on SQLite; closed when the application shuts down.
    var writerDatabases: WriterDatabases? { storage[WriterDatabasesKey.self] }

    func useWriterDatabases(_ writers: WriterDatabases) async {
        await storage.setWithAsyncShutdown(WriterDatabasesKey.self, to: writers) { try await $0.shutdown() }
    }
}
