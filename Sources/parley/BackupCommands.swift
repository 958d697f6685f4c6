import ArgumentParser
import ParleyServer

struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the database (SQLite, while Parley runs) and the attachments into a new folder.",
        discussion: "With PostgreSQL, back the database up with pg_dump; this command then copies the attachments only.")

    @OptionGroup var options: ServerOptions
    @Option(help: "The folder to create for the backup.") var output: String

    func run() async throws {
        try await ParleyRunner.withApplication(settings: options.settings()) { app in
            _ = try await Backup.run(app: app, to: output) { print($0) }
        }
    }
}

struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Put a backup in place as a new data folder (start Parley on it afterwards).")

    @Option(help: "The backup folder made by `parley backup`.") var from: String
    @Option(help: "The data folder to create; it must not hold a database yet.") var dataDir: String

    func run() async throws {
        _ = try Backup.restore(from: from, into: dataDir) { print($0) }
    }
}
