import Fluent
import Foundation
import Logging
import NIOConcurrencyHelpers
import ParleyCore
import SQLKit
import Vapor
import WhatsAppCloud

/// Sends what the outbox holds. Transient errors (5xx, timeouts, 130429) retry with exponential backoff and
/// jitter; permanent ones end the comment as failed with WhatsApp's code and title. The window is checked
/// again just before sending: a reply that waited past it is never sent.
final class OutboxWorker: Sendable {
    static let maxAttempts = 12
    static let staleAfter: TimeInterval = 60
    /// Tickets sent for at once. Each waits for its finish's group commit (tens of ms while agents reply and
    /// statuses come in); at 32 that wait, not WhatsApp, held the outbox to about 440 messages/s (profiled).
    static let concurrency = 128
    static let earlyStatusHorizon: TimeInterval = 24 * 3600

    private let application: Application
    let graph: any GraphAPI
    let limiter: RateLimiter
    private let loop = BackgroundLoop(idleSeconds: 1)

    init(application: Application, graph: any GraphAPI, ratePerSecond: Double) {
        self.application = application
        self.graph = graph
        // On PostgreSQL other instances may send for the same numbers: the limit is shared through the database.
        self.limiter = RateLimiter(ratePerSecond: ratePerSecond, shared: SharedSendWindow {
            (application.db as? SQLDatabase)?.isPostgreSQL == true ? application.db : nil
        })
    }

    var parley: ParleyServices { application.parley }
    var db: Database { application.db }
    var logger: Logger { application.logger }

    func start() {
        loop.start(prepare: { [self] in
            // One SQLite instance owns every row: what it left mid-send is resumed at once.
            if !parley.settings.usesPostgres { try? await releaseAllClaims() }
        }, pass: { [self] in (try? await runOnce()) ?? 0 })
    }

    func stop() async { await loop.stop() }
    func wake() { loop.wake() }

    private func releaseAllClaims() async throws {
        try await parley.writeGate.run { [db] in
            try await OutboxModel.query(on: db).filter(\.$status == "sending").set(\.$status, to: "queued").update()
        }
    }

    /// Claims due rows and sends them, several at a time; returns how many it handled.
    @discardableResult
    func runOnce(limit: Int? = nil) async throws -> Int {
        // Claim only what the rate limit lets out within about two seconds, so a claimed row never sits long
        // enough to look abandoned to another instance.
        let rate = await limiter.ratePerSecond
        let limit = limit ?? max(1, min(Self.concurrency, Int(rate * 2)))
        let claimed = try await claim(limit: limit)
        guard !claimed.isEmpty else { return 0 }
        // Unread (a failed query), each row looks up what it needs itself, and a failure there is retried.
        let batch = (try? await OutboxBatch.load(for: claimed, integrations: parley.integrations, on: db)) ?? .empty
        // Rows of one comment must stay in order, so each ticket's rows go one after another.
        let byTicket = Dictionary(grouping: claimed, by: \.ticketID).values.map { $0.sorted { ($0.id ?? 0) < ($1.id ?? 0) } }
        let sent = await withTaskGroup(of: [SentPart].self) { group -> [SentPart] in
            var running = 0
            var sent: [SentPart] = []
            for rows in byTicket {
                if running >= Self.concurrency, let done = await group.next() {
                    sent += done
                    running -= 1
                }
                group.addTask {
                    var sent: [SentPart] = []
                    for row in rows { sent += await self.deliver(row, batch: batch) }
                    return sent
                }
                running += 1
            }
            for await done in group { sent += done }
            return sent
        }
        await applyEarlyStatuses(for: sent)
        return claimed.count
    }

    /// Takes up to `limit` due rows (see `BatchClaim`): queued ones whose time has come, and ones whose worker
    /// stopped refreshing them.
    func claim(limit: Int) async throws -> [OutboxModel] {
        guard let sql = db as? SQLDatabase else { return [] }
        let wallNow = Date()
        let claim = try await parley.writeGate.run { [now = parley.clock.now] in
            try await BatchClaim(table: OutboxModel.schema, statusColumn: "status", claimColumn: "claim", timeColumn: "next_attempt_at")
                .claim(on: sql, waiting: ("queued", now), abandoned: ("sending", wallNow.addingTimeInterval(-Self.staleAfter)),
                       stamp: wallNow, limit: limit)
        }
        return try await OutboxModel.query(on: db).filter(\.$claim == claim).sort(\.$id).all()
    }

    /// Another worker took the row over (this one went quiet for longer than `staleAfter`): stop touching it.
    struct ClaimLost: Error {}

    /// A part WhatsApp accepted: its message id, and how many of the row's parts are sent with it.
    struct SentPart: Sendable {
        let wamid: String
        let integration: WhatsAppIntegrationModel
        let partsSent: Int
    }

    enum Outcome: Sendable {
        /// Every part is sent; the last one, not recorded yet, is recorded with the row's end.
        case done(last: SentPart?)
        case retry(String)
        case failed(code: JSONValue, title: String, details: String?, windowClosed: Bool)
    }

    /// Sends the row and records how it ended; returns the parts WhatsApp accepted.
    private func deliver(_ row: OutboxModel, batch: OutboxBatch) async -> [SentPart] {
        var sent: [SentPart] = []
        do {
            let outcome: Outcome
            do {
                outcome = try await send(row, batch: batch, sent: &sent)
            } catch let error as GraphAPIError {
                outcome = classify(error)
            } catch let error as ClaimLost {
                throw error
            } catch {
                outcome = .retry("could not prepare the message")
            }
            if case .done(let last?) = outcome { sent.append(last) }
            let finished = try await finish(row, outcome)
            guard !finished.claimLost else { throw ClaimLost() }
            parley.metrics.countOutboxRow(kind: row.kind, status: finished.status, windowClosed: finished.windowClosed)
        } catch is ClaimLost {
            logger.warning("outbox row taken over by another worker", metadata: ["outbox_id": "\(row.id ?? 0)"])
        } catch {
            logger.error("outbox row could not be updated", metadata: ["outbox_id": "\(row.id ?? 0)"])
        }
        return sent
    }

    private func classify(_ error: GraphAPIError) -> Outcome {
        if let code = error.code, WhatsAppErrorCode.isWindowClosed(code) {
            return .failed(code: .int(code), title: "Re-engagement message", details: error.summary, windowClosed: true)
        }
        if error.isTransient { return .retry(error.summary) }
        switch error {
        case .api(_, let code, let message, let details):
            return .failed(code: .int(code), title: message, details: details, windowClosed: false)
        default:
            return .failed(code: .null, title: "WhatsApp refused the message", details: error.summary, windowClosed: false)
        }
    }
}
