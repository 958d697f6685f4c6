import AsyncHTTPClient
import Fluent
import Foundation
import NIOCore
import Vapor

/// Posts the webhook calls rules queued, after their transaction committed; retries with backoff.
final class NotificationWorker: Sendable {
    static let maxAttempts = 6
    private let application: Application
    private let loop = BackgroundLoop(idleSeconds: 2)

    init(application: Application) { self.application = application }

    private var parley: ParleyServices { application.parley }
    private var db: Database { application.db }

    func start() { loop.start { [self] in (try? await runOnce()) ?? 0 } }
    func stop() async { await loop.stop() }
    func wake() { loop.wake() }

    @discardableResult
    func runOnce() async throws -> Int {
        let now = parley.clock.now
        let due = try await NotificationModel.query(on: db).filter(\.$status == "queued").filter(\.$nextAttemptAt <= now)
            .sort(\.$id).limit(32).all()
        for delivery in due {
            // Taken with a claim and the next attempt moved out of reach, so a second instance skips it.
            let claim = UUID().uuidString
            let previous = delivery.claim
            let taken = try await parley.writeGate.run { [db] in
                try await NotificationModel.query(on: db).filter(\.$id == (try delivery.requireID()))
                    .filter(\.$status == "queued").filter(\.$claim == previous)
                    .set(\.$claim, to: claim).set(\.$nextAttemptAt, to: now.addingTimeInterval(120)).update()
                return try await NotificationModel.find(delivery.id, on: db)
            }
            guard let taken, taken.claim == claim else { continue }
            await post(taken)
        }
        return due.count
    }

    private func post(_ delivery: NotificationModel) async {
        var problem: String?
        if let target = try? await WebhookTargetModel.find(delivery.webhookID, on: db) {
            var request = HTTPClientRequest(url: target.endpoint)
            request.method = .init(rawValue: target.httpMethod)
            request.headers.add(name: "Content-Type", value: "application/json")
            request.headers.add(name: "User-Agent", value: "Parley webhook")
            request.body = .bytes(ByteBuffer(string: delivery.body))
            do {
                let response = try await application.http.client.shared.execute(request, timeout: .seconds(10))
                _ = try? await response.body.collect(upTo: 1 << 16)
                if !(200..<300).contains(response.status.code) { problem = "HTTP \(response.status.code)" }
            } catch {
                problem = "no answer from \(target.endpoint)"
            }
        } else {
            problem = "webhook \(delivery.webhookID) was deleted"
        }
        delivery.attempts += 1
        if let problem {
            delivery.lastError = problem
            delivery.status = delivery.attempts >= Self.maxAttempts ? "failed" : "queued"
            delivery.nextAttemptAt = parley.clock.now.addingTimeInterval(min(3600, 5 * pow(2, Double(delivery.attempts))))
        } else {
            delivery.status = "sent"
            delivery.lastError = nil
        }
        _ = try? await parley.writeGate.run { [db] in try await delivery.save(on: db) }
    }
}
