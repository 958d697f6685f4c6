import ArgumentParser
import WhatsAppSimulator

struct SimulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulator",
        abstract: "Serve the WhatsApp Cloud API simulator: Meta's Graph API endpoints, simulated users and a control API.",
        discussion: """
            Graph API under /v21.0/… (any version), controls under /_sim/… (users, messages, clock, faults, stats).
            Point Parley at it with PARLEY_WHATSAPP_GRAPH_URL=http://HOST:PORT/v21.0.
            """)

    @Option(help: "Address to listen on.") var hostname = "127.0.0.1"
    @Option(help: "Port to listen on.") var port = 8090
    @Option(help: "Where to deliver webhooks (Parley's /webhooks/whatsapp URL).") var webhookURL: String?
    @Option(help: "App secret that signs webhooks (X-Hub-Signature-256).") var appSecret = "sim-app-secret"
    @Option(help: "Access token the Graph API accepts.") var accessToken = "sim-access-token"
    @Option(help: "Business phone number id.") var phoneNumberID = "106540352242922"
    @Option(help: "Business display phone number.") var displayNumber = "15550001234"
    @Option(help: "WhatsApp Business Account id.") var wabaID = "102290129340398"
    @Option(help: "Messages per second per number before 130429.") var throughput = 80
    @Flag(help: "Simulated users read what they receive at once.") var autoRead = false
    @Flag(inversion: .prefixedNo,
          help: "Failed status webhooks carry a contacts array (pywa 4.5 needs it; Meta's reference has none).")
    var failedStatusContacts = true

    func run() async throws {
        let configuration = SimulatorConfiguration(
            phoneNumbers: [.init(id: phoneNumberID, displayNumber: displayNumber, wabaID: wabaID)],
            accessToken: accessToken, appSecret: appSecret, webhookURL: webhookURL,
            publicBaseURL: "http://\(hostname):\(port)", throughputPerSecond: throughput, autoRead: autoRead,
            failedStatusContacts: failedStatusContacts)
        try await SimulatorServer.run(configuration: configuration, hostname: hostname, port: port)
    }
}
