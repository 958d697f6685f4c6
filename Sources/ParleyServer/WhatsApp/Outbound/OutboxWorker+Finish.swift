import Fluent
import Foundation
import ParleyCore
import SQLKit
import WhatsAppCloud

extension OutboxWorker {
    /// How a row ended, from the transaction that ended it.
    struct Finished: Sendable {
        var status: String
        var windowClosed = false
        /// Another worker holds the row by now: nothing of it was written but the sent part's id.
        var claimLost = false
        var events: [JSONValue] = []
    }

    /// Records the row's end in one transaction (with its last sent part), shared with other rows' ends on SQLite.
    func finish(_ row: OutboxModel, _ outcome: Outcome) async throws -> Finished {
        let now = parley.clock.now
        let row = Snapshot(row)
        // Other tickets' rows end side by side in the shared commit (a ticket's rows are sent one after another).
        let finished = try await parley.outboxCommits.run(keys: ["ticket:\(row.ticketID)"]) { [logger] db in
            try await db.transaction { db -> Finished in
                switch outcome {
                case .done(let last):
                    return try await Self.finishSent(row, last: last, now: now, on: db)
                case .retry(let reason):
                    let attempts = row.attempts + 1
                    if attempts >= Self.maxAttempts {
                        return try await Self.fail(row, code: .null, title: "WhatsApp did not accept the message after \(attempts) tries",
                                                   details: reason, windowClosed: false, now: now, on: db)
                    }
                    // Exponential backoff with jitter, so many retries do not return at the same instant.
                    let base = min(300, pow(2, Double(attempts - 1)))
                    let held = try await Self.updateIfClaimed(row.id, claim: row.claim, on: db) {
                        $0.set("status", to: "queued").set("last_error", to: reason).set("attempts", to: attempts)
                            .set("next_attempt_at", to: now.addingTimeInterval(base * Double.random(in: 0.5...1.0)))
                            .set("claim", to: SQLLiteral.null)
                    }
                    if held {
                        logger.notice("WhatsApp send will be retried", metadata: ["outbox_id": "\(row.id)", "attempt": "\(attempts)"])
                    }
                    return Finished(status: "queued", claimLost: !held)
                case .failed(let code, let title, let details, let windowClosed):
                    return try await Self.fail(row, code: code, title: title, details: details, windowClosed: windowClosed,
                                               now: now, on: db)
                }
            }
        }
        parley.live.publish(finished.events)
        return finished
    }

    /// The row's fields a finish needs, copied: the job runs on the group commit's task (maybe twice), and the model
    /// is a mutable class the worker still holds.
    struct Snapshot: Sendable {
        let id: Int
        let claim: String?
        let kind: String
        let ticketID: Int
        let commentID: Int?
        let integrationID: Int
        let attempts: Int

        init(_ row: OutboxModel) {
            (id, claim, kind, ticketID) = (row.id ?? 0, row.claim, row.kind, row.ticketID)
            (commentID, integrationID, attempts) = (row.commentID, row.integrationID, row.attempts)
        }
    }

    private static func finishSent(_ row: Snapshot, last: SentPart?, now: Date, on db: Database) async throws -> Finished {
        // Recorded whatever happens next: WhatsApp has this message. The comment is named by it below, in the one
        // UPDATE that also writes its delivery state.
        let recorded = row.commentID.flatMap { commentID in last.map { (commentID, $0.wamid) } }
        if let (commentID, wamid) = recorded { try await recordPart(wamid, commentID: commentID, namingComment: false, on: db) }
        let held = try await updateIfClaimed(row.id, claim: row.claim, on: db) {
            var update = $0.set("status", to: "sent").set("sent_at", to: now).set("last_error", to: SQLLiteral.null)
                .set("claim", to: SQLLiteral.null)
            if let last { update = update.set("parts_sent", to: last.partsSent) }
            return update
        }
        guard held else {
            if let (commentID, wamid) = recorded { try await nameComment(commentID, by: wamid, on: db) }
            return Finished(status: "sending", claimLost: true)
        }
        guard let commentID = row.commentID else { return Finished(status: "sent") }
        // Locked first: a status webhook for this comment may be committing right now (on PostgreSQL), and
        // writing "sent" over its "failed" lost the failure.
        try await db.lockRow(in: CommentModel.schema, id: commentID)
        guard let comment = try await CommentModel.findDirectly(commentID, on: db) else { return Finished(status: "sent") }
        if let (_, wamid) = recorded, comment.externalMessageID == nil { comment.externalMessageID = wamid }
        let current = comment.deliveryStatus.flatMap(DeliveryStatus.init(rawValue:)) ?? .queued
        let status = try await OutboundProgress(db: db).status(of: commentID, current: current.advanced(to: .sent))
        if status != current { comment.deliveryStatus = status.rawValue }
        try await comment.saveDirectly(on: db)  // nothing when neither changed
        return Finished(status: "sent", events: [
            ["type": "comment.delivery", "ticket_id": .int(row.ticketID), "comment_id": .int(commentID),
             "delivery_status": .string(status.rawValue)],
        ])
    }

    private static func fail(
        _ row: Snapshot, code: JSONValue, title: String, details: String?, windowClosed: Bool, now: Date, on db: Database
    ) async throws -> Finished {
        let held = try await updateIfClaimed(row.id, claim: row.claim, on: db) {
            $0.set("status", to: "failed").set("last_error", to: title).set("claim", to: SQLLiteral.null)
        }
        guard held else { return Finished(status: "sending", claimLost: true) }
        let finished = Finished(status: "failed", windowClosed: windowClosed)
        guard row.kind != "read", let commentID = row.commentID, let comment = try await CommentModel.findDirectly(commentID, on: db)
        else { return finished }
        comment.deliveryStatus = DeliveryStatus.failed.rawValue
        let error: JSONValue = ["code": code, "title": .string(title), "details": JSONValue(details), "window_closed": .bool(windowClosed)]
        comment.deliveryError = error.encodedString()
        try await comment.saveDirectly(on: db)
        let message = [title, details].compactMap { $0 }.joined(separator: ": ")
        try await AuditModel(ticketID: row.ticketID, authorID: nil, via: .whatsapp, events: [
            AuditEvent(type: .deliveryFailure, data: ["comment_id": .int(commentID), "code": code, "title": .string(title),
                                                      "details": JSONValue(details), "message": .string(message)]),
        ], now: now).createDirectly(on: db)
        if case .int(let number) = code, WhatsAppErrorCode.makesIntegrationUnhealthy(number) {
            try await WhatsAppIntegrationModel.markUnhealthy(integrationID: row.integrationID, message, at: now, on: db)
        }
        return Finished(status: "failed", windowClosed: windowClosed, events: [
            ["type": "delivery.failed", "ticket_id": .int(row.ticketID), "comment_id": .int(commentID),
             "author_id": JSONValue(comment.authorID), "code": code, "reason": .string(message)],
        ])
    }
}
