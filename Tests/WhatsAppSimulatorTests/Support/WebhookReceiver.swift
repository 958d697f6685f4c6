import Foundation
import NIOConcurrencyHelpers
import ParleyJSON
import Vapor
import WhatsAppCloud

/// A real HTTP server on a free loopback port that records the webhooks it gets; it can fail or stall on purpose.
final class WebhookReceiver: Sendable {
    struct Delivery: Sendable {
        let body: Data
        let signature: String?
        var json: JSONValue { (try? JSONValue.parse(body)) ?? .null }
    }

    let app: Application
    private let portBox = NIOLockedValueBox(0)
    var port: Int { portBox.withLockedValue { $0 } }
    private let state = NIOLockedValueBox<(deliveries: [Delivery], failuresLeft: Int, stallsLeft: Int, stallSeconds: Double)>(
        ([], 0, 0, 0))

    var url: String { "http://127.0.0.1:\(port)/webhook" }
    var deliveries: [Delivery] { state.withLockedValue { $0.deliveries } }

    static func start() async throws -> WebhookReceiver {
        let app = try await Application.make(.testing)
        app.logger.logLevel = .critical
        let receiver = WebhookReceiver(app: app)
        app.post("webhook") { req async throws -> Response in
            let body = req.body.data.map { Data(buffer: $0) } ?? Data()
            let (fail, stall) = receiver.state.withLockedValue { state -> (Bool, Double) in
                if state.stallsLeft > 0 { state.stallsLeft -= 1; return (false, state.stallSeconds) }
                if state.failuresLeft > 0 { state.failuresLeft -= 1; return (true, 0) }
                state.deliveries.append(Delivery(body: body, signature: req.headers.first(name: SignatureVerifier.headerName)))
                return (false, 0)
            }
            if stall > 0 {
                try await Task.sleep(for: .milliseconds(Int64(stall * 1000)))
                return Response(status: .ok)
            }
            return Response(status: fail ? .internalServerError : .ok)
        }
        app.get("webhook") { req -> String in
            guard req.query[String.self, at: "hub.verify_token"] == "verify-me" else { throw Abort(.forbidden) }
            return req.query[String.self, at: "hub.challenge"] ?? ""
        }
        try await app.server.start(address: .hostname("127.0.0.1", port: 0))
        let port = app.http.server.shared.localAddress?.port ?? 0
        receiver.portBox.withLockedValue { $0 = port }
        return receiver
    }

    private init(app: Application) { self.app = app }

    func failNext(_ count: Int) { state.withLockedValue { $0.failuresLeft = count } }
    func stallNext(_ count: Int, seconds: Double) {
        state.withLockedValue { $0.stallsLeft = count; $0.stallSeconds = seconds }
    }
    var received: [Delivery] { deliveries }

    /// Waits until at least `count` webhooks arrived (or the time runs out).
    func waitFor(_ count: Int, seconds: Double = 5) async throws -> [Delivery] {
        let deadline = Date().addingTimeInterval(seconds)
        while received.count < count && Date() < deadline { try await Task.sleep(for: .milliseconds(10)) }
        return received
    }

    func stop() async {
        await app.server.shutdown()
        try? await app.asyncShutdown()
    }
}
