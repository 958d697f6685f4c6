import Fluent
import Foundation
import ParleyCore

/// Decides, inside the comment's own transaction, what happens to a public comment on a WhatsApp ticket:
/// queued in the outbox while the 24-hour window is open (or for a template), otherwise stored but marked
/// failed with the reason — never sent.
struct OutboundPlanner {
    let db: Database
    let now: Date
    /// Where the connected numbers are kept (none: read the reply's number).
    var integrations: KnownIntegrations?

    /// Sets the comment's delivery state (queued, or failed with the window's reason) before its first write, so
    /// the INSERT carries it: an UPDATE less per reply. `plan` sets the same state when this was not called.
    func prepare(_ comment: CommentModel, ticket: TicketModel) {
        guard ticket.whatsappIntegrationID != nil, comment.isPublic else { return }
        mark(comment, decision(for: ticket, isTemplate: Self.template(of: comment) != nil))
    }

    /// Returns the audit events to add (a delivery failure when the window is closed).
    func plan(comment: CommentModel, ticket: TicketModel, files: [AttachmentModel]) async throws -> [AuditEvent] {
        guard let integrationID = ticket.whatsappIntegrationID, comment.isPublic else { return [] }
        let problems = files.compactMap { OutboundFile.problem(fileName: $0.fileName, contentType: $0.contentType, size: $0.size) }
        guard problems.isEmpty else { throw APIError.invalid(["comment.uploads": problems]) }
        let template = Self.template(of: comment)
        let decision = decision(for: ticket, isTemplate: template != nil)
        let commentID = try comment.requireID()
        mark(comment, decision)
        try await comment.saveDirectly(on: db)  // nothing to write when `prepare` set it already
        if let reason = decision.reason {
            return [AuditEvent(type: .deliveryFailure, data: [
                "comment_id": .int(commentID), "code": "window_closed", "title": "24-hour window closed",
                "message": .string(reason), "closed_at": Self.closedAt(decision),
            ])]
        }
        var payload: [String: JSONValue] = ["text": .string(comment.body), "files": .array(files.compactMap { $0.id.map(JSONValue.int) })]
        if let template { payload["template"] = template }
        try await enqueue(kind: template == nil ? "message" : "template", payload: .object(payload), ticket: ticket,
                          integrationID: integrationID, commentID: commentID)
        var events: [AuditEvent] = []
        if template != nil {
            events.append(AuditEvent(type: .channelEvent, data: [
                "event": "template_sent", "comment_id": .int(commentID), "template": template?["name"] ?? .null,
                "paid": true, "note": "A WhatsApp message template was used; Meta charges for template conversations.",
            ]))
        }
        try await queueMarkRead(ticket: ticket, integrationID: integrationID)
        return events
    }

    private static func template(of comment: CommentModel) -> JSONValue? {
        comment.metadataJSON["whatsapp"]?["template"]
    }

    private func decision(for ticket: TicketModel, isTemplate: Bool) -> ReplyDecision {
        ReplyDecision.decide(window: ReplyWindow(lastEndUserMessageAt: ticket.lastEndUserMessageAt), isTemplate: isTemplate, now: now)
    }

    private static func closedAt(_ decision: ReplyDecision) -> JSONValue {
        if case .refuse(let date?) = decision { .string(date.iso8601) } else { .null }
    }

    /// Changes only what differs, so a comment prepared before its INSERT is not written again.
    private func mark(_ comment: CommentModel, _ decision: ReplyDecision) {
        var status = DeliveryStatus.queued.rawValue
        var error: String?
        if let reason = decision.reason {
            status = DeliveryStatus.failed.rawValue
            error = JSONValue.object([
                "code": "window_closed", "title": "24-hour window closed", "details": .string(reason),
                "window_closed": true, "closed_at": Self.closedAt(decision),
            ]).encodedString()
        }
        if comment.deliveryStatus != status { comment.deliveryStatus = status }
        if comment.deliveryError != error { comment.deliveryError = error }
    }

    /// Marks the end user's newest message read on WhatsApp, when the integration wants that and it is not marked
    /// (or being marked) yet: each mark is a call that counts against the number's rate, and an agent's second
    /// reply, or opening the ticket again, would spend one on a message already read.
    func queueMarkRead(ticket: TicketModel, integrationID: Int) async throws {
        guard let integration = try await integration(integrationID), integration.markRead,
            let ticketID = ticket.id,
            let latest = try await CommentModel.query(on: db).filter(\.$ticketID == ticketID)
                .filter(\.$authorID == ticket.requesterID).filter(\.$externalMessageID != nil)
                .sort(\.$createdAt, .descending).sort(\.$id, .descending).first(),  // WhatsApp's times are whole seconds
            let wamid = latest.externalMessageID
        else { return }
        let payload: JSONValue = ["message_id": .string(wamid)]
        let marked = try await OutboxModel.query(on: db).filter(\.$ticketID == ticketID).filter(\.$kind == "read")
            .filter(\.$payload == payload.encodedString()).filter(\.$status != "failed").count()
        guard marked == 0 else { return }
        try await enqueue(kind: "read", payload: payload, ticket: ticket, integrationID: integrationID, commentID: nil)
    }

    private func integration(_ id: Int) async throws -> WhatsAppIntegrationModel? {
        guard let integrations else { return try await WhatsAppIntegrationModel.findDirectly(id, on: db) }
        return try await integrations.withIDs([id], on: db).first
    }

    private func enqueue(kind: String, payload: JSONValue, ticket: TicketModel, integrationID: Int, commentID: Int?) async throws {
        let row = OutboxModel()
        row.commentID = commentID
        row.ticketID = try ticket.requireID()
        row.integrationID = integrationID
        row.kind = kind
        row.payload = payload.encodedString()
        row.status = "queued"
        row.partsSent = 0
        row.attempts = 0
        row.nextAttemptAt = now
        row.createdAt = now
        try await row.createDirectly(on: db)
    }
}
