import ArgumentParser
import ParleyServer

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the Parley server (API, webhooks, agent interface).")

    @OptionGroup var options: ServerOptions

    @Option(help: "Address to listen on. Env: PARLEY_HOST (default 127.0.0.1)")
    var hostname: String?

    @Option(help: "Port to listen on. Env: PARLEY_PORT (default 8080)")
    var port: Int?

    @Option(help: "WhatsApp Graph API base URL with version. Env: PARLEY_WHATSAPP_GRAPH_URL")
    var graphURL: String?

    @Option(help: "First admin's email, created once if no admin exists. Env: PARLEY_ADMIN_EMAIL")
    var adminEmail: String?

    @Option(help: "First admin's password (prefer the environment variable PARLEY_ADMIN_PASSWORD).")
    var adminPassword: String?

    func run() async throws {
        var settings = options.settings()
        if let hostname { settings.hostname = hostname }
        if let port { settings.port = port }
        if let graphURL { settings.graphURL = graphURL }
        if let adminEmail { settings.adminEmail = adminEmail }
        if let adminPassword { settings.adminPassword = adminPassword }
        try await ParleyRunner.serve(settings: settings)
    }
}
