import Foundation
import Vapor

extension Simulator {
    /// Mounts the Graph API and the control API on a Vapor application (its own, or Parley's for the demo).
    public func register(on routes: RoutesBuilder) throws {
        try routes.register(collection: GraphEndpoints(simulator: self))
        try routes.register(collection: ControlAPI(simulator: self))
    }
}

/// Runs a simulator as its own HTTP server (`parley simulator`).
public enum SimulatorServer {
    public static func run(configuration: SimulatorConfiguration, hostname: String, port: Int) async throws {
        var environment = Environment(name: "production", arguments: ["simulator"])
        environment.commandInput.arguments = []
        let app = try await Application.make(environment)
        let simulator = Simulator(configuration: configuration)
        do {
            try await simulator.register(on: app)
            app.http.server.configuration.hostname = hostname
            app.http.server.configuration.port = port
            app.logger.notice("WhatsApp Cloud API simulator", metadata: [
                "graph_api": "http://\(hostname):\(port)/v21.0", "control": "http://\(hostname):\(port)/_sim",
                "webhook_url": "\(configuration.webhookURL ?? "none")",
            ])
            try await app.execute()
        } catch {
            await simulator.shutdown()
            try? await app.asyncShutdown()
            throw error
        }
        await simulator.shutdown()
        try await app.asyncShutdown()
    }
}
