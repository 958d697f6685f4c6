import Fluent
import Foundation
import SQLKit
import Vapor

/// `parley backup` and `parley restore`: a consistent copy of the SQLite database taken while Parley runs
/// (`VACUUM INTO`), plus the attachment files. With PostgreSQL the database is backed up with `pg_dump`.
public enum Backup {
    public struct Summary: Sendable, Equatable {
        public var databaseBytes: Int
        public var attachmentFiles: Int
    }

    public enum Failure: Error, CustomStringConvertible {
        case postgres
        case exists(String)
        case missing(String)

        public var description: String {
            switch self {
            case .postgres:
                "Parley uses PostgreSQL here: back the database up with `pg_dump --format=custom --file=parley.dump \"$PARLEY_DATABASE_URL\"` and restore it with `pg_restore --clean --dbname=\"$PARLEY_DATABASE_URL\" parley.dump`; `parley backup` still copies the attachments."
            case .exists(let path): "\(path) already exists; choose an empty place (nothing was overwritten)"
            case .missing(let path): "\(path) is not a Parley backup (no parley.sqlite in it)"
            }
        }
    }

    /// Copies the database (SQLite only) and the attachments into `directory`, which must not exist yet.
    public static func run(app: Application, to directory: String, progress: (String) -> Void = { _ in }) async throws -> Summary {
        let settings = app.parley.settings
        let manager = FileManager.default
        guard !manager.fileExists(atPath: directory) else { throw Failure.exists(directory) }
        try manager.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var summary = Summary(databaseBytes: 0, attachmentFiles: 0)
        if settings.usesPostgres {
            progress(Failure.postgres.description)
        } else {
            let target = (directory as NSString).appendingPathComponent("parley.sqlite")
            guard let sql = app.db as? SQLDatabase else { throw Failure.postgres }
            progress("copying the database…")
            try await sql.raw("VACUUM INTO \(bind: target)").run()
            summary.databaseBytes = (try manager.attributesOfItem(atPath: target)[.size] as? Int) ?? 0
        }
        summary.attachmentFiles = try copyTree(from: settings.attachmentsDirectory,
                                               to: (directory as NSString).appendingPathComponent("attachments"), progress: progress)
        progress("backup done: database \(summary.databaseBytes / 1024) KB, \(summary.attachmentFiles) attachment files")
        return summary
    }

    /// Puts a backup in place as a new data directory (which must not hold a database yet).
    public static func restore(from directory: String, into dataDirectory: String, progress: (String) -> Void = { _ in }) throws -> Summary {
        let manager = FileManager.default
        let source = (directory as NSString).appendingPathComponent("parley.sqlite")
        guard manager.fileExists(atPath: source) else { throw Failure.missing(directory) }
        let target = (dataDirectory as NSString).appendingPathComponent("parley.sqlite")
        guard !manager.fileExists(atPath: target) else { throw Failure.exists(target) }
        try manager.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        progress("restoring the database…")
        try manager.copyItem(atPath: source, toPath: target)
        let files = try copyTree(from: (directory as NSString).appendingPathComponent("attachments"),
                                 to: (dataDirectory as NSString).appendingPathComponent("attachments"), progress: progress)
        let bytes = (try manager.attributesOfItem(atPath: target)[.size] as? Int) ?? 0
        progress("restore done: database \(bytes / 1024) KB, \(files) attachment files")
        return Summary(databaseBytes: bytes, attachmentFiles: files)
    }

    private static func copyTree(from source: String, to target: String, progress: (String) -> Void) throws -> Int {
        let manager = FileManager.default
        guard let walker = manager.enumerator(atPath: source) else { return 0 }
        try manager.createDirectory(atPath: target, withIntermediateDirectories: true)
        var count = 0
        while let relative = walker.nextObject() as? String {
            let from = (source as NSString).appendingPathComponent(relative)
            let to = (target as NSString).appendingPathComponent(relative)
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: from, isDirectory: &isDirectory) else { continue }
            if isDirectory.boolValue {
                try manager.createDirectory(atPath: to, withIntermediateDirectories: true)
            } else if !manager.fileExists(atPath: to) {
                try manager.copyItem(atPath: from, toPath: to)
                count += 1
                if count % 1000 == 0 { progress("\(count) attachment files copied…") }
            }
        }
        return count
    }
}
