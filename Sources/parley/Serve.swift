import ArgumentParser
import ParleyServer

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the Parley server (API, webhooks, agent interface).",
        discussion: "Every flag mirrors an environment variable; a flag wins over its variable.")

    @OptionGroup var options: ServerOptions

    @Option(help: "Address to listen on. Env: PARLEY_HOST (default 127.0.0.1)")
    var hostname: String?

    @Option(help: "Port to listen on, 1 to 65535. Env: PARLEY_PORT (default 8080)")
    var port: String?

    @Option(help: "WhatsApp Graph API base URL with version. Env: PARLEY_WHATSAPP_GRAPH_URL")
    var graphURL: String?

    @Option(help: "First admin's email, created once if no admin exists. Env: PARLEY_ADMIN_EMAIL")
    var adminEmail: String?

    @Option(help: "First admin's password, at least 8 characters (prefer the environment variable PARLEY_ADMIN_PASSWORD).")
    var adminPassword: String?

    @Option(help: "Serve the agent interface from this folder instead of the bundled copy. Env: PARLEY_PUBLIC_DIR")
    var publicDir: String?

    @Option(help: "WhatsApp messages sent per second per number. Env: PARLEY_WHATSAPP_RATE_LIMIT (default 80)")
    var whatsappRateLimit: String?

    @Option(help: "Seconds between automation passes. Env: PARLEY_AUTOMATION_INTERVAL (default 3600)")
    var automationInterval: String?

    @Flag(help: "Let anyone read /metrics, not only a scraper on this machine or an admin. Env: PARLEY_METRICS_PUBLIC=true")
    var metricsPublic = false

    func run() async throws {
        let settings = try options.settings(adding: [
            .hostname: hostname, .port: port, .graphURL: graphURL, .adminEmail: adminEmail, .adminPassword: adminPassword,
            .publicDirectory: publicDir, .whatsappRateLimit: whatsappRateLimit, .automationInterval: automationInterval,
            .metricsPublic: metricsPublic ? "true" : nil,
        ])
        try await ParleyRunner.serve(settings: settings)
    }
}
