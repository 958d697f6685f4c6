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
    static let concurrency = 32
    static let earlyStatusHorizon: TimeInterval = 24 * 3600

    private let application: Application
    let graph: any GraphAPI
    let limiter: RateLimiter
    private let loop = BackgroundLoop(idleSeconds: 1)

    init(application: Application, graph: any GraphAPI, ratePerSecond: Double) {
        self.application = application
        self.graph = graph
        // On PostgreSQL other instances may send for the same numbers: the limit is shared through the database.
        self.limiter = RateLimiter(ratePerSecond: ratePerSecond, shared: SharedRateSlots {
            (application.db as? SQLDatabase).flatMap { $0.isPostgreSQL ? $0 : nil }
        })
    }

    private var parley: ParleyServices { application.parley }
    private var db: Database { application.db }
    private var logger: Logger { application.logger }

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
        let limit = limit ?? max(1, min(64, Int(rate * 2)))
        let claimed = try await claim(limit: limit)
        // Rows of one comment must stay in order, so each ticket's rows go one after another.
        let byTicket = Dictionary(grouping: claimed, by: \.ticketID).values.map { $0.sorted { ($0.id ?? 0) < ($1.id ?? 0) } }
        await withTaskGroup(of: Void.self) { group in
            var running = 0
            for rows in byTicket {
                if running >= Self.concurrency {
                    await group.next()
                    running -= 1
                }
                group.addTask { for row in rows { await self.deliver(row) } }
                running += 1
            }
        }
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

    private enum Outcome {
        case done
        case retry(String)
        case failed(code: JSONValue, title: String, details: String?, windowClosed: Bool)
    }

    private func deliver(_ row: OutboxModel) async {
        do {
            let outcome: Outcome
            do {
                outcome = try await send(row)
            } catch let error as GraphAPIError {
                outcome = classify(error)
            } catch let error as ClaimLost {
                throw error
            } catch {
                outcome = .retry("could not prepare the message")
            }
            try await finish(row, outcome)
            let windowClosed = if case .failed(_, _, _, true) = outcome { true } else { false }
            parley.metrics.countOutboxRow(kind: row.kind, status: row.status, windowClosed: windowClosed)
        } catch is ClaimLost {
            logger.warning("outbox row taken over by another worker", metadata: ["outbox_id": "\(row.id ?? 0)"])
        } catch {
            logger.error("outbox row could not be updated", metadata: ["outbox_id": "\(row.id ?? 0)"])
        }
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

    /// Sends the row's parts that are not recorded as sent yet.
    private func send(_ row: OutboxModel) async throws -> Outcome {
        guard let integration = try await WhatsAppIntegrationModel.find(row.integrationID, on: db) else {
            return .failed(code: .null, title: "The WhatsApp integration was removed", details: nil, windowClosed: false)
        }
        let payload = (try? JSONValue.parse(Data(row.payload.utf8))) ?? [:]
        if row.kind == "read" {
            guard let messageID = payload["message_id"]?.stringValue else { return .done }
            await limiter.acquire(row.integrationID)
            try await graph.markRead(messageID: messageID, phoneNumberID: integration.phoneNumberID, token: integration.accessToken)
            return .done
        }
        guard let ticket = try await TicketModel.find(row.ticketID, on: db),
            let commentID = row.commentID, let comment = try await CommentModel.find(commentID, on: db)
        else { return .failed(code: .null, title: "The comment is gone", details: nil, windowClosed: false) }

        if row.kind != "template" {
            let decision = ReplyDecision.decide(window: ReplyWindow(lastEndUserMessageAt: ticket.lastEndUserMessageAt),
                                                isTemplate: false, now: parley.clock.now)
            if let reason = decision.reason {
                return .failed(code: "window_closed", title: "24-hour window closed", details: reason, windowClosed: true)
            }
        }
        guard let recipient = try await recipient(of: ticket) else {
            return .failed(code: .null, title: "The end user has no WhatsApp identity", details: nil, windowClosed: false)
        }
        let parts = try await self.parts(of: payload, kind: row.kind)
        var sentParts = row.partsSent
        while sentParts < parts.count {
            await limiter.acquire(row.integrationID)
            let message = try await parts[sentParts].message(to: recipient, graph: graph, integration: integration,
                                                             files: parley.files)
            let answer = try await graph.send(message, phoneNumberID: integration.phoneNumberID, token: integration.accessToken)
            guard let wamid = answer.messageID else { throw GraphAPIError.invalidResponse("no message id") }
            sentParts += 1
            let progress = sentParts
            let stillOurs = try await parley.writeGate.run { [db] in
                try await db.transaction { db -> Bool in
                    // Recorded whatever happens next: WhatsApp has this message. (The lock: see StatusRecorder.)
                    try await db.lockUntilCommit("message:\(wamid)")
                    try await OutboundMessageIDModel(wamid: wamid, commentID: commentID).create(on: db)
                    if comment.externalMessageID == nil {
                        comment.externalMessageID = wamid
                        try await comment.save(on: db)
                    }
                    // Progress refreshes the claim, so a long send (many files) is never taken for abandoned.
                    // One statement both refreshes the claim and tells whether it still held.
                    guard let sql = db as? SQLDatabase else { return false }
                    let refreshed = Date()
                    let held = try await sql.update(OutboxModel.schema).set("parts_sent", to: progress)
                        .set("next_attempt_at", to: refreshed).where("id", .equal, try row.requireID())
                        .where("claim", .equal, row.claim).returning("id").all()
                    guard !held.isEmpty else { return false }
                    row.partsSent = progress
                    row.nextAttemptAt = refreshed
                    return true
                }
            }
            guard stillOurs else { throw ClaimLost() }
            await applyEarlyStatuses(for: wamid, integration: integration)
        }
        return .done
    }

    /// A status can arrive before the send's answer was stored; it was kept aside and is applied now.
    private func applyEarlyStatuses(for wamid: String, integration: WhatsAppIntegrationModel) async {
        // Early means seconds; a day bounds the look-up however many statuses of other senders pile up.
        let since = parley.clock.now.addingTimeInterval(-Self.earlyStatusHorizon)
        guard let early = try? await WebhookRecordModel.query(on: db).filter(\.$field == "status_unmatched")
            .filter(\.$receivedAt >= since).filter(\.$payload, .contains(inverse: false, .anywhere), wamid).all(),
            !early.isEmpty
        else { return }
        for record in early {
            guard let status = try? JSONDecoder().decode(StatusUpdate.self, from: Data(record.payload.utf8)) else { continue }
            _ = try? await parley.writeGate.run { [db, now = parley.clock.now, logger] in
                try await StatusRecorder(db: db, now: now, logger: logger).record(status, integration: integration)
                try await record.delete(on: db)
            }
        }
    }

    private func recipient(of ticket: TicketModel) async throws -> Recipient? {
        guard let requester = ticket.requesterID else { return nil }
        let identities = try await UserIdentityModel.query(on: db).filter(\.$userID == requester).all()
        if let phone = identities.first(where: { $0.type == IdentityType.phoneNumber.rawValue })?.value {
            return .phone(phone.filter(\.isNumber))
        }
        if let bsuid = identities.first(where: { $0.type == IdentityType.whatsappBSUID.rawValue })?.value {
            return .bsuid(bsuid)
        }
        return nil
    }

    /// One WhatsApp message per part: the text (or a template), then each file; the text rides as the first
    /// file's caption when WhatsApp allows one.
    private func parts(of payload: JSONValue, kind: String) async throws -> [OutboundPart] {
        if kind == "template", let template = payload["template"] { return [.template(template)] }
        let text = payload["text"]?.stringValue ?? ""
        let ids = payload["files"]?.arrayValue?.compactMap(\.intValue) ?? []
        let files = ids.isEmpty ? [] : try await AttachmentModel.query(on: db).filter(\.$id ~~ ids).sort(\.$id).all()
        guard let first = files.first else { return TextChunks.split(text).map { .text($0) } }
        let captionFits = OutboundFile.kind(contentType: first.contentType)?.takesCaption == true && text.count <= 1024
        var parts: [OutboundPart] = []
        if !captionFits && !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            parts += TextChunks.split(text).map { .text($0) }
        }
        for (index, file) in files.enumerated() {
            parts.append(.file(file, caption: index == 0 && captionFits && !text.isEmpty ? text : nil))
        }
        return parts
    }

    private func finish(_ row: OutboxModel, _ outcome: Outcome) async throws {
        let now = parley.clock.now
        let events = try await parley.writeGate.run { [db, logger] in
            try await db.transaction { db -> [JSONValue] in
                var events: [JSONValue] = []
                guard let current = try await OutboxModel.find(row.id, on: db), current.claim == row.claim else {
                    throw ClaimLost()
                }
                switch outcome {
                case .done:
                    row.status = "sent"
                    row.sentAt = now
                    row.lastError = nil
                    // Locked first: a status webhook for this comment may be committing right now (on PostgreSQL),
                    // and writing "sent" over its "failed" lost the failure.
                    if let commentID = row.commentID {
                        try await db.lockRow(in: CommentModel.schema, id: commentID)
                    }
                    if let commentID = row.commentID, let comment = try await CommentModel.find(commentID, on: db) {
                        try await row.save(on: db)
                        let current = comment.deliveryStatus.flatMap(DeliveryStatus.init(rawValue:)) ?? .queued
                        let parts = try await OutboundProgress(db: db).status(of: commentID, current: current.advanced(to: .sent))
                        comment.deliveryStatus = parts.rawValue
                        try await comment.save(on: db)
                        events.append(["type": "comment.delivery", "ticket_id": .int(row.ticketID), "comment_id": .int(commentID),
                                       "delivery_status": .string(comment.deliveryStatus ?? "sent")])
                    }
                case .retry(let reason):
                    row.attempts += 1
                    if row.attempts >= Self.maxAttempts {
                        try await self.fail(row, code: .null, title: "WhatsApp did not accept the message after \(row.attempts) tries",
                                       details: reason, windowClosed: false, now: now, on: db, events: &events)
                    } else {
                        row.status = "queued"
                        row.lastError = reason
                        // Exponential backoff with jitter, so many retries do not return at the same instant.
                        let base = min(300, pow(2, Double(row.attempts - 1)))
                        row.nextAttemptAt = now.addingTimeInterval(base * Double.random(in: 0.5...1.0))
                        logger.notice("WhatsApp send will be retried", metadata: ["outbox_id": "\(row.id ?? 0)", "attempt": "\(row.attempts)"])
                    }
                case .failed(let code, let title, let details, let windowClosed):
                    try await self.fail(row, code: code, title: title, details: details, windowClosed: windowClosed, now: now,
                                        on: db, events: &events)
                }
                row.claim = nil
                try await row.save(on: db)
                return events
            }
        }
        parley.live.publish(events)
    }

    private func fail(_ row: OutboxModel, code: JSONValue, title: String, details: String?, windowClosed: Bool, now: Date,
                      on db: Database, events: inout [JSONValue]) async throws {
        row.status = "failed"
        row.lastError = title
        guard row.kind != "read", let commentID = row.commentID, let comment = try await CommentModel.find(commentID, on: db)
        else { return }
        comment.deliveryStatus = DeliveryStatus.failed.rawValue
        let error: JSONValue = ["code": code, "title": .string(title), "details": JSONValue(details), "window_closed": .bool(windowClosed)]
        comment.deliveryError = error.encodedString()
        try await comment.save(on: db)
        let message = [title, details].compactMap { $0 }.joined(separator: ": ")
        try await AuditModel(ticketID: row.ticketID, authorID: nil, via: .whatsapp, events: [
            AuditEvent(type: .deliveryFailure, data: ["comment_id": .int(commentID), "code": code, "title": .string(title),
                                                      "details": JSONValue(details), "message": .string(message)]),
        ], now: now).create(on: db)
        if case .int(let number) = code, WhatsAppErrorCode.makesIntegrationUnhealthy(number),
            let integration = try await WhatsAppIntegrationModel.find(row.integrationID, on: db)
        {
            try await integration.markUnhealthy(message, at: now, on: db)
        }
        events.append(["type": "delivery.failed", "ticket_id": .int(row.ticketID), "comment_id": .int(commentID),
                       "author_id": JSONValue(comment.authorID), "code": code, "reason": .string(message)])
    }
}
