import ArgumentParser
import ParleyServer

/// Flags shared by every command that opens the database; each mirrors an environment variable (`ParleySetting`).
struct ServerOptions: ParsableArguments {
    @Option(help: "Database URL (postgres://…); default: SQLite in the data dir. Env: PARLEY_DATABASE_URL")
    var databaseURL: String?

    @Option(help: "Where the SQLite file and attachments live. Env: PARLEY_DATA_DIR (default ./parley-data)")
    var dataDir: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical. Env: PARLEY_LOG_LEVEL (default info)")
    var logLevel: String?

    @Option(help: "Password hashing cost, 4 to 31. Env: PARLEY_BCRYPT_COST (default 12)")
    var bcryptCost: String?

    /// The environment, overridden by these flags and a command's own (`extra`); a bad value stops the command
    /// with a message naming the variable or flag.
    func settings(adding extra: [ParleySetting: String?] = [:]) throws -> ParleySettings {
        var flags: [ParleySetting: String] = [:]
        let given: [ParleySetting: String?] = [
            .databaseURL: databaseURL, .dataDirectory: dataDir, .logLevel: logLevel, .bcryptCost: bcryptCost,
        ]
        for (setting, value) in given.merging(extra, uniquingKeysWith: { $1 }) {
            if let value { flags[setting] = value }
        }
        do {
            return try ParleySettings.resolve(flags: flags)
        } catch {
            throw ValidationError(error.description)
        }
    }
}
