import Foundation
import ParleyJSON
import Testing
import Vapor
import VaporTesting
import WhatsAppCloud
@testable import WhatsAppSimulator

/// A simulator mounted on an in-memory Vapor app, delivering webhooks to a real local receiver.
struct SimHarness {
    let app: Application
    let simulator: Simulator
    let receiver: WebhookReceiver
    static let token = "test-token"
    static let secret = "test-secret"
    static let phoneID = "106540352242922"
    static let wabaID = "102290129340398"

    static func with(
        throughput: Int = 80, webhookTimeout: Double = 2, autoRead: Bool = false, _ body: (SimHarness) async throws -> Void
    ) async throws {
        let receiver = try await WebhookReceiver.start()
        let configuration = SimulatorConfiguration(
            accessToken: token, appSecret: secret, webhookURL: receiver.url, publicBaseURL: "http://sim.test",
            throughputPerSecond: throughput, webhookTimeout: webhookTimeout, retryBaseDelay: 0.02, maxDeliveryAttempts: 5,
            autoRead: autoRead)
        let simulator = Simulator(configuration: configuration)
        let app = try await Application.make(.testing)
        app.logger.logLevel = .critical
        do {
            try await simulator.register(on: app)
            try await body(SimHarness(app: app, simulator: simulator, receiver: receiver))
        } catch {
            await teardown(app, simulator, receiver)
            throw error
        }
        await teardown(app, simulator, receiver)
    }

    private static func teardown(_ app: Application, _ simulator: Simulator, _ receiver: WebhookReceiver) async {
        await simulator.shutdown()
        try? await app.asyncShutdown()
        await receiver.stop()
    }

    struct Reply {
        let status: HTTPStatus
        let headers: HTTPHeaders
        let body: Data
        var json: JSONValue { (try? JSONValue.parse(body)) ?? .null }
    }

    @discardableResult
    func call(_ method: HTTPMethod, _ path: String, token: String? = SimHarness.token, json: JSONValue? = nil,
              headers extra: HTTPHeaders = [:], raw: ByteBuffer? = nil) async throws -> Reply {
        var headers = extra
        if let token { headers.bearerAuthorization = .init(token: token) }
        var reply: Reply?
        try await app.testing().test(method, path, headers: headers, beforeRequest: { request in
            if let json {
                request.headers.contentType = .json
                request.body = ByteBuffer(data: json.encoded())
            } else if let raw {
                request.body = raw
            }
        }, afterResponse: { response in
            reply = Reply(status: response.status, headers: response.headers, body: Data(buffer: response.body))
        })
        return reply!
    }

    func send(_ message: JSONValue) async throws -> Reply {
        try await call(.POST, "/v21.0/\(SimHarness.phoneID)/messages", json: message)
    }

    /// Runs `body` with the simulator on a real loopback port (its base URL given), for what only a real HTTP server
    /// enforces — such as body size limits, which the in-memory test client does not apply.
    func overHTTP(_ body: (String) async throws -> Void) async throws {
        try await app.server.start(address: .hostname("127.0.0.1", port: 0))
        let base = "http://127.0.0.1:\(app.http.server.shared.localAddress?.port ?? 0)"
        do {
            try await body(base)
        } catch {
            await app.server.shutdown()
            throw error
        }
        await app.server.shutdown()
    }

    /// `POST /{phone-number-id}/media` as a multipart form, like Meta's clients send it.
    func upload(_ bytes: Data, type: String, filename: String) async throws -> Reply {
        let boundary = "XyZ"
        var body = ByteBuffer()
        body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"messaging_product\"\r\n\r\nwhatsapp\r\n")
        body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"type\"\r\n\r\n\(type)\r\n")
        body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(filename)\"\r\nContent-Type: \(type)\r\n\r\n")
        body.writeBytes(bytes)
        body.writeString("\r\n--\(boundary)--\r\n")
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
        return try await call(.POST, "/v21.0/\(SimHarness.phoneID)/media", headers: headers, raw: body)
    }

    func text(to phone: String, _ body: String = "Hello") -> JSONValue {
        ["messaging_product": "whatsapp", "to": .string(phone), "type": "text", "text": ["body": .string(body)]]
    }

    /// Events of every webhook received so far, checked for a valid signature on the way.
    func events() throws -> [WebhookEvent] {
        try receiver.received.flatMap { delivery -> [WebhookEvent] in
            #expect(SignatureVerifier.isValid(body: delivery.body, header: delivery.signature, secret: SimHarness.secret))
            return try WebhookParser.parse(delivery.body)
        }
    }

    func statuses(for id: String) throws -> [StatusUpdate] {
        try events().compactMap { if case .status(_, let status) = $0, status.id == id { status } else { nil } }
    }

    func waitForStatuses(_ id: String, count: Int) async throws -> [StatusUpdate] {
        let deadline = Date().addingTimeInterval(5)
        while try statuses(for: id).count < count && Date() < deadline { try await Task.sleep(for: .milliseconds(10)) }
        return try statuses(for: id)
    }
}
