import Fluent
import Foundation
import ParleyCore
import Vapor
import WhatsAppCloud
import WhatsAppSimulator

/// `parley demo`: Parley and the WhatsApp simulator in one process, with a demo admin, a connected number and
/// a phone page, so a newcomer can try the whole flow without a Meta account or a network.
public enum DemoRunner {
    public struct Options: Sendable {
        public var settings: ParleySettings
        public var simulatorPort: Int
        public var adminEmail: String
        public var adminPassword: String
        public init(settings: ParleySettings, simulatorPort: Int, adminEmail: String, adminPassword: String) {
            self.settings = settings
            self.simulatorPort = simulatorPort
            self.adminEmail = adminEmail
            self.adminPassword = adminPassword
        }
    }

    public static func run(_ options: Options) async throws {
        RedactingLogHandler.bootstrap(level: options.settings.logLevel)
        let host = options.settings.hostname
        let parleyURL = "http://\(host):\(options.settings.port)"
        let simulatorURL = "http://\(host):\(options.simulatorPort)"
        let number = SimulatorConfiguration.PhoneNumber(id: "106540352242922", displayNumber: "15550001234", wabaID: "102290129340398")
        let simulator = Simulator(configuration: SimulatorConfiguration(
            phoneNumbers: [number], accessToken: "demo-access-token", appSecret: "demo-app-secret",
            webhookURL: parleyURL + "/webhooks/whatsapp", publicBaseURL: simulatorURL))

        var simulatorEnvironment = Environment(name: "production", arguments: ["simulator"])
        simulatorEnvironment.commandInput.arguments = []
        let simulatorApp = try await Application.make(simulatorEnvironment)
        try await simulator.register(on: simulatorApp)
        try PhonePage.register(on: simulatorApp)
        try await simulatorApp.server.start(address: .hostname(host, port: options.simulatorPort))

        var settings = options.settings
        settings.graphURL = simulatorURL + "/v21.0"
        settings.adminEmail = options.adminEmail
        settings.adminPassword = options.adminPassword
        var environment = Environment(name: "production", arguments: ["parley"])
        environment.commandInput.arguments = []
        let app = try await Application.make(environment)
        do {
            // One clock for both, so the phone page's "+24 hours" closes the window in Parley too.
            try await configure(app, settings: settings, clock: ParleyClock(source: { [clock = simulator.clock] in clock.now }))
            try await prepare(app, number: number, simulator: simulator)
            app.http.server.configuration.hostname = host
            app.http.server.configuration.port = settings.port
            print("""

                Parley demo
                  Agent interface:  \(parleyURL)   (sign in as \(options.adminEmail) / \(options.adminPassword))
                  Phone page:       \(simulatorURL)/phone   (write to the company as a WhatsApp user)
                  Simulator API:    \(simulatorURL)/_sim    Graph API: \(simulatorURL)/v21.0

                """)
            try await app.execute()
        } catch {
            try? await app.asyncShutdown()
            await simulatorApp.server.shutdown()
            try? await simulatorApp.asyncShutdown()
            await simulator.shutdown()
            throw error
        }
        await simulator.shutdown()
        try await app.shutdownWhenIdle()
        await simulatorApp.server.shutdown()
        try? await simulatorApp.asyncShutdown()
        await simulator.shutdown()
    }

    /// Connects the simulated number (templates on) and creates two phone users, once.
    static func prepare(_ app: Application, number: SimulatorConfiguration.PhoneNumber, simulator: Simulator) async throws {
        let now = app.parley.clock.now
        if try await WhatsAppIntegrationModel.query(on: app.db).filter(\.$phoneNumberID == number.id).first() == nil {
            let integration = WhatsAppIntegrationModel()
            integration.name = "Demo support line"
            integration.phoneNumberID = number.id
            integration.wabaID = number.wabaID
            integration.displayNumber = number.displayNumber
            integration.accessToken = simulator.configuration.accessToken
            integration.appSecret = simulator.configuration.appSecret
            integration.verifyToken = "demo-verify-token"
            integration.maskCreditCardNumbers = true
            integration.templatesEnabled = true
            integration.markRead = true
            integration.createdAt = now
            integration.updatedAt = now
            try await integration.create(on: app.db)
        }
        guard let integration = try await WhatsAppIntegrationModel.query(on: app.db).filter(\.$phoneNumberID == number.id).first() else { return }
        let templates = try await app.parley.graph.templates(wabaID: number.wabaID, token: integration.accessToken)
        try await WhatsAppTemplateModel.query(on: app.db).filter(\.$integrationID == (try integration.requireID())).delete()
        for template in templates {
            let stored = WhatsAppTemplateModel()
            stored.integrationID = try integration.requireID()
            stored.templateID = template.id
            stored.name = template.name
            stored.language = template.language
            stored.category = template.category
            stored.status = template.status
            stored.body = template.components.first { $0["type"]?.stringValue == "BODY" }?["text"]?.stringValue ?? ""
            stored.components = JSONValue.array(template.components).encodedString()
            stored.syncedAt = now
            try await stored.create(on: app.db)
        }
        await simulator.createUser(name: "Maria Garcia", phone: "34600111222", bsuid: "US.1000000000000000001")
        await simulator.createUser(name: "Kenji", username: "kenji.t", bsuid: "US.1000000000000000002")
    }
}
