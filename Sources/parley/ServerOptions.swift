import ArgumentParser
import ParleyServer

/// Flags shared by every command that opens the database; each mirrors an environment variable.
struct ServerOptions: ParsableArguments {
    @Option(help: "Database URL (postgres://…); default: SQLite in the data dir. Env: PARLEY_DATABASE_URL")
    var databaseURL: String?

    @Option(help: "Where the SQLite file and attachments live. Env: PARLEY_DATA_DIR (default ./parley-data)")
    var dataDir: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error. Env: PARLEY_LOG_LEVEL")
    var logLevel: String?

    func settings() -> ParleySettings {
        var settings = ParleySettings.fromEnvironment()
        if let databaseURL { settings.databaseURL = databaseURL }
        if let dataDir { settings.dataDirectory = dataDir }
        if let level = logLevel.flatMap({ Logger.Level(rawValue: $0) }) { settings.logLevel = level }
        return settings
    }
}

import Logging
