import Vapor

/// Starts Parley for the command-line tool: the server, or an application for a one-off job.
public enum ParleyRunner {
    public static func serve(settings: ParleySettings) async throws {
        RedactingLogHandler.bootstrap(level: settings.logLevel)
        var env = Environment(name: "production", arguments: ["parley"])
        env.commandInput.arguments = []
        let app = try await Application.make(env)
        do {
            try await configure(app, settings: settings)
            app.http.server.configuration.hostname = settings.hostname
            app.http.server.configuration.port = settings.port
            app.logger.info("Parley listening", metadata: [
                "address": "http://\(settings.hostname):\(settings.port)",
                "database": "\(settings.usesPostgres ? "postgresql" : settings.sqlitePath)",
            ])
            try await app.execute()
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.shutdownWhenIdle()
    }

    public static func withApplication(
        settings: ParleySettings, _ body: @Sendable (Application) async throws -> Void
    ) async throws {
        RedactingLogHandler.bootstrap(level: settings.logLevel)
        let app = try await Application.make(Environment(name: "production", arguments: ["parley"]))
        do {
            try await configure(app, settings: settings)
            try await body(app)
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }

    public static func createAdmin(app: Application, name: String, email: String, password: String) async throws -> Int {
        try await AdminBootstrap.createAdmin(app: app, name: name, email: email, password: password).requireID()
    }
}
