import Fluent
import Foundation
import ParleyCore
@testable import ParleyServer
import Testing
import Vapor
import WhatsAppCloud
import WhatsAppSimulator

/// Parley and the WhatsApp simulator, each on its own loopback port, talking over real HTTP: the simulator
/// delivers signed webhooks to Parley, Parley calls the simulator's Graph API.
struct ChannelHarness {
    let parley: TestApp
    let simulator: Simulator
    let simulatorApp: Application
    let parleyURL: String
    let simulatorURL: String
    let integrationID: Int

    static let phoneID = "106540352242922"
    static let wabaID = "102290129340398"
    static let token = "sim-token"
    static let secret = "sim-secret"

    static func with(mask: Bool = true, rate: Double = 80, throughput: Int = 80, _ body: (ChannelHarness) async throws -> Void)
        async throws
    {
        let database = try await TestDatabase.make()
        let simulatorApp = try await Application.make(.testing)
        simulatorApp.logger.logLevel = .critical
        let simulator = Simulator(configuration: SimulatorConfiguration(
            phoneNumbers: [.init(id: phoneID, displayNumber: "15550001234", wabaID: wabaID)],
            accessToken: token, appSecret: secret, webhookURL: nil, throughputPerSecond: throughput, webhookTimeout: 5,
            retryBaseDelay: 0.05, maxDeliveryAttempts: 4))
        // Parley reads the simulator's clock, so moving one moves both.
        let clock = ParleyClock(source: { [simulatorClock = simulator.clock] in simulatorClock.now })
        do {
            try await simulator.register(on: simulatorApp)
            try await simulatorApp.server.start(address: .hostname("127.0.0.1", port: 0))
            let simulatorURL = "http://127.0.0.1:\(simulatorApp.http.server.shared.localAddress?.port ?? 0)"
            try await TestApp.run(on: database, graphURL: simulatorURL + "/v21.0", clock: clock, rate: rate) { parley in
                try await parley.app.server.start(address: .hostname("127.0.0.1", port: 0))
                let parleyURL = "http://127.0.0.1:\(parley.app.http.server.shared.localAddress?.port ?? 0)"
                await simulator.setWebhookURL(parleyURL + "/webhooks/whatsapp")
                let created = try await parley.send(.POST, "/api/v2/channels/whatsapp/integrations", as: .token(parley.admin), json: [
                    "integration": ["name": "Support line", "phone_number_id": .string(phoneID), "waba_id": .string(wabaID),
                                    "display_number": "15550001234", "access_token": .string(token), "app_secret": .string(secret),
                                    "verify_token": "verify-me", "mask_credit_card_numbers": .bool(mask)],
                ])
                #expect(created.status == .created, "\(created.text)")
                let harness = ChannelHarness(
                    parley: parley, simulator: simulator, simulatorApp: simulatorApp, parleyURL: parleyURL,
                    simulatorURL: simulatorURL, integrationID: created.json["integration"]?["id"]?.intValue ?? 0)
                do {
                    try await body(harness)
                } catch {
                    await simulator.shutdown()
                    await parley.app.server.shutdown()
                    throw error
                }
                await simulator.shutdown()
                await parley.app.server.shutdown()
            }
        } catch {
            await simulatorApp.server.shutdown()
            try? await simulatorApp.asyncShutdown()
            await database.drop()
            throw error
        }
        await simulatorApp.server.shutdown()
        try? await simulatorApp.asyncShutdown()
        await database.drop()
    }

    /// A simulated user sends; returns the message id once Parley answered the webhook.
    @discardableResult
    func userSends(_ user: SimulatedUser, _ request: JSONValue) async throws -> String {
        let sent = try await simulator.userSends(user.bsuid, request)
        let record = await simulator.waitForDelivery(sent.ticket)
        #expect(record.delivered, "webhook for \(request) was not accepted: \(record)")
        return sent.messageID
    }

    /// A simulated user (Jane, by default with a phone number) writes in; returns them and the ticket it opened.
    func startConversation(phone: String? = "4915112345678") async throws -> (SimulatedUser, Int) {
        let user = await simulator.createUser(name: "Jane", phone: phone)
        _ = try await userSends(user, ["type": "text", "text": "Hello, I need help"])
        let ticketID = try #require(try await tickets().last?["id"]?.intValue)
        return (user, ticketID)
    }

    /// The ticket's last comment once its delivery state is `status` (status webhooks arrive in the background),
    /// or as it is after five seconds.
    func waitForDelivery(ticketID: Int, status: String) async throws -> JSONValue? {
        let deadline = Date().addingTimeInterval(5)
        var last: JSONValue?
        while Date() < deadline {
            last = try await comments(ticketID).last
            if last?["delivery_status"] == .string(status) { return last }
            try await Task.sleep(for: .milliseconds(20))
        }
        return last
    }

    /// Runs the outbox until nothing is due (what the background worker does in production).
    func flushOutbox() async throws {
        for _ in 0..<50 {
            if try await parley.app.parley.outbox.runOnce() == 0 { return }
        }
    }

    /// Posts a public reply as the agent; returns the update's answer.
    func reply(_ ticketID: Int, _ text: String, uploads: [String] = []) async throws -> TestApp.Reply {
        try await parley.send(.PUT, "/api/v2/tickets/\(ticketID)", as: .token(parley.agent), json: [
            "ticket": ["comment": ["body": .string(text), "public": true, "uploads": .array(uploads.map { .string($0) })]],
        ])
    }

    func tickets() async throws -> [JSONValue] {
        try await parley.send(.GET, "/api/v2/tickets?sort_by=id", as: .token(parley.agent)).json["tickets"]?.arrayValue ?? []
    }

    func comments(_ ticketID: Int) async throws -> [JSONValue] {
        try await parley.send(.GET, "/api/v2/tickets/\(ticketID)/comments", as: .token(parley.agent)).json["comments"]?.arrayValue ?? []
    }

    func audits(_ ticketID: Int) async throws -> [JSONValue] {
        try await parley.send(.GET, "/api/v2/tickets/\(ticketID)/audits", as: .token(parley.agent)).json["audits"]?.arrayValue ?? []
    }

    /// Posts a hand-made webhook body, signed with `secret` (nil: no signature header).
    func post(_ body: Data, secret: String? = ChannelHarness.secret) async throws -> TestApp.Reply {
        var headers = HTTPHeaders()
        headers.contentType = .json
        if let secret { headers.replaceOrAdd(name: SignatureVerifier.headerName, value: SignatureVerifier.signature(for: body, secret: secret)) }
        return try await parley.send(.POST, "/webhooks/whatsapp", headers: headers, bytes: body)
    }
}
