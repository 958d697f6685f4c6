import ArgumentParser
import ParleyServer

struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Try Parley without a Meta account: Parley, the WhatsApp simulator and a phone page in one process.")

    @Option(help: "Where the demo keeps its data.") var dataDir = "./parley-demo-data"
    @Option(help: "Address to listen on.") var hostname = "127.0.0.1"
    @Option(help: "Port of the agent interface.") var port = 8080
    @Option(help: "Port of the simulator and its phone page.") var simulatorPort = 8090
    @Option(help: "The demo admin's email.") var adminEmail = "demo@parley.test"
    @Option(help: "The demo admin's password.") var adminPassword = "demo-password"

    func run() async throws {
        var settings: ParleySettings
        do { settings = try ParleySettings.fromEnvironment() } catch { throw ValidationError(error.description) }
        settings.dataDirectory = dataDir
        settings.databaseURL = nil
        settings.hostname = hostname
        settings.port = port
        settings.bcryptCost = 10
        try await DemoRunner.run(.init(settings: settings, simulatorPort: simulatorPort, adminEmail: adminEmail,
                                       adminPassword: adminPassword))
    }
}
