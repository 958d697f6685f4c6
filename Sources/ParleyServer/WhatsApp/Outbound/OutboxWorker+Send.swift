import Fluent
import Foundation
import ParleyCore
import SQLKit
import WhatsAppCloud

extension OutboxWorker {
    /// Sends the row's parts that are not recorded as sent yet. Every part but the last is recorded as soon as
    /// WhatsApp accepts it; the last is recorded together with the row's end (`finish`), in one commit.
    func send(_ row: OutboxModel, batch: OutboxBatch, sent: inout [SentPart]) async throws -> Outcome {
        guard let integration = try await batch.integration(row.integrationID, on: db) else {
            return .failed(code: .null, title: "The WhatsApp integration was removed", details: nil, windowClosed: false)
        }
        let payload = (try? JSONValue.parse(Data(row.payload.utf8))) ?? [:]
        if row.kind == "read" {
            guard let messageID = payload["message_id"]?.stringValue else { return .done(last: nil) }
            try await limiter.send(for: row.integrationID) { [graph] in
                try await graph.markRead(messageID: messageID, phoneNumberID: integration.phoneNumberID, token: integration.accessToken)
            }
            return .done(last: nil)
        }
        guard var ticket = try await batch.ticket(row.ticketID, on: db),
            let commentID = row.commentID, try await batch.commentExists(commentID, on: db)
        else { return .failed(code: .null, title: "The comment is gone", details: nil, windowClosed: false) }

        if row.kind != "template" {
            // The batch read the ticket a moment ago; a message that reopened the window since then counts.
            if windowClosedReason(ticket) != nil, let fresh = try await TicketModel.findDirectly(row.ticketID, on: db) { ticket = fresh }
            if let reason = windowClosedReason(ticket) {
                return .failed(code: "window_closed", title: "24-hour window closed", details: reason, windowClosed: true)
            }
        }
        guard let recipient = try await batch.recipient(of: ticket, on: db) else {
            return .failed(code: .null, title: "The end user has no WhatsApp identity", details: nil, windowClosed: false)
        }
        let parts = try await self.parts(of: payload, kind: row.kind)
        var sentParts = row.partsSent
        while sentParts < parts.count {
            // Built first: a file's upload is not a message and does not count against the number's throughput.
            let message = try await parts[sentParts].message(to: recipient, graph: graph, integration: integration,
                                                             files: parley.files)
            let answer = try await limiter.send(for: row.integrationID) { [graph] in
                try await graph.send(message, phoneNumberID: integration.phoneNumberID, token: integration.accessToken)
            }
            guard let wamid = answer.messageID else { throw GraphAPIError.invalidResponse("no message id") }
            sentParts += 1
            let part = SentPart(wamid: wamid, integration: integration, partsSent: sentParts)
            if sentParts == parts.count { return .done(last: part) }
            sent.append(part)
            try await record(part, of: row, commentID: commentID)
        }
        return .done(last: nil)
    }

    private func windowClosedReason(_ ticket: TicketModel) -> String? {
        ReplyDecision.decide(window: ReplyWindow(lastEndUserMessageAt: ticket.lastEndUserMessageAt), isTemplate: false,
                             now: parley.clock.now).reason
    }

    /// Records a part WhatsApp accepted, whatever happens next, and refreshes the row's claim so a long send (many
    /// files) is never taken for abandoned. Throws `ClaimLost` when another worker holds the row by now.
    private func record(_ part: SentPart, of row: OutboxModel, commentID: Int) async throws {
        let (rowID, claim) = (try row.requireID(), row.claim)
        let recorded = try await parley.outboxCommits.run(keys: ["ticket:\(row.ticketID)"]) { db in
            try await db.transaction { db -> Finished in
                try await Self.recordPart(part.wamid, commentID: commentID, on: db)
                let held = try await Self.updateIfClaimed(rowID, claim: claim, on: db) {
                    $0.set("parts_sent", to: part.partsSent).set("next_attempt_at", to: Date())
                }
                return Finished(status: "sending", claimLost: !held)
            }
        }
        guard !recorded.claimLost else { throw ClaimLost() }
        row.partsSent = part.partsSent
    }

    /// Stores a sent part's message id, and (`namingComment`) makes it the comment's if it is the comment's first;
    /// a caller that writes the comment itself right after names it there.
    static func recordPart(_ wamid: String, commentID: Int, namingComment: Bool = true, on db: Database) async throws {
        // Under the message's lock: see StatusRecorder.
        try await db.lockUntilCommit("message:\(wamid)")
        try await OutboundMessageIDModel(wamid: wamid, commentID: commentID).createDirectly(on: db)
        if namingComment { try await nameComment(commentID, by: wamid, on: db) }
    }

    /// Makes `wamid` the comment's message id unless it has one (its first part's).
    static func nameComment(_ commentID: Int, by wamid: String, on db: Database) async throws {
        guard let sql = db as? SQLDatabase else { return }
        try await sql.update(CommentModel.schema).set("external_message_id", to: wamid).where("id", .equal, commentID)
            .where("external_message_id", .is, SQLLiteral.null).run()
    }

    /// Updates the row only while this worker's claim holds; one statement both writes and tells whether it did.
    static func updateIfClaimed(
        _ rowID: Int, claim: String?, on db: Database, _ set: (SQLUpdateBuilder) -> SQLUpdateBuilder
    ) async throws -> Bool {
        guard let sql = db as? SQLDatabase else { return false }
        let update = set(sql.update(OutboxModel.schema)).where("id", .equal, rowID).where("claim", .equal, claim)
        return try await !update.returning("id").all().isEmpty
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

    /// Statuses that arrived before their send's answer was stored were kept aside; they are applied now.
    func applyEarlyStatuses(for parts: [SentPart]) async {
        guard !parts.isEmpty else { return }
        // Early means seconds; a day bounds the look-up however many statuses of other senders pile up.
        let since = parley.clock.now.addingTimeInterval(-Self.earlyStatusHorizon)
        let byWamid = Dictionary(parts.map { ($0.wamid, $0.integration) }) { first, _ in first }
        guard let early = try? await WebhookRecordModel.query(on: db).filter(\.$field == "status_unmatched")
            .filter(\.$receivedAt >= since)
            .group(.or, { group in for wamid in byWamid.keys { group.filter(\.$payload, .contains(inverse: false, .anywhere), wamid) } })
            .all(),
            !early.isEmpty
        else { return }
        for record in early {
            guard let status = try? JSONDecoder().decode(StatusUpdate.self, from: Data(record.payload.utf8)),
                let integration = byWamid[status.id]
            else { continue }
            _ = try? await parley.writeGate.run { [db, now = parley.clock.now, logger] in
                try await StatusRecorder(db: db, now: now, logger: logger).record(status, integration: integration)
                try await record.delete(on: db)
            }
        }
    }
}
