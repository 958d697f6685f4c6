import Fluent
import Foundation
import Logging
import ParleyCore
import WhatsAppCloud

/// Applies a status webhook to the comment it reports on: the delivery state only moves forward, and a
/// failure is written to the ticket's event log with WhatsApp's code and reason.
struct StatusRecorder {
    let db: Database
    let now: Date
    let logger: Logger

    /// Returns the live event to push (a delivery failure, or a comment's new delivery state).
    @discardableResult
    func record(_ status: StatusUpdate, integration: WhatsAppIntegrationModel) async throws -> JSONValue? {
        guard let reported = DeliveryStatus(whatsApp: status.status) else { return nil }
        return try await db.transaction { db -> JSONValue? in
            // The outbox records a sent part under the same lock: either it committed the part before this
            // look-up, or it finds this status kept aside once it has (never neither).
            try await db.lockUntilCommit("message:\(status.id)")
            var part = try await OutboundMessageIDModel.firstDirectly(where: "wamid", equals: status.id, on: db)
            var found: CommentModel?
            if let part { found = try await CommentModel.findDirectly(part.commentID, on: db) }
            if found == nil {
                found = try await CommentModel.firstDirectly(where: "external_message_id", equals: status.id, on: db)
            }
            // Take the comment's lock, then read it and its part again (PostgreSQL, where other writers run beside
            // this one): the outbox finishing the send, or another status of the same message, may have changed
            // them since the lookups above, and the send's record may have been committed between the two
            // lookups — without its part the comment would skip the slowest-part rule.
            if let commentID = found?.id, try await db.lockRow(in: CommentModel.schema, id: commentID) {
                found = try await CommentModel.findDirectly(commentID, on: db)
                part = try await OutboundMessageIDModel.firstDirectly(where: "wamid", equals: status.id, on: db)
            }
            guard let comment = found else {
                // The send's answer may not be stored yet: keep the status so the sender can apply it later.
                let record = WebhookRecordModel()
                record.integrationID = integration.id
                record.field = "status_unmatched"
                record.payload = (try? JSONValue.parse(JSONEncoder().encode(status)).encodedString()) ?? "{}"
                record.receivedAt = now
                try await record.createDirectly(on: db)
                return nil
            }
            let current = comment.deliveryStatus.flatMap(DeliveryStatus.init(rawValue:)) ?? .queued
            var next = current.advanced(to: reported)
            if let part {
                let partStatus = Self.advanced(part, to: reported)
                if reported != .failed, part.status == partStatus {
                    // Nothing moves: the comment's state follows its parts', and this part's stays (the outbox's
                    // finish wrote "sent" already, or WhatsApp repeated itself). A third of the status webhooks are such.
                    return nil
                }
                // A comment sent in several parts is only as far along as its slowest part, and not past
                // "sent" while parts are still waiting in the outbox.
                part.status = partStatus
                try await part.saveDirectly(on: db)
                if reported != .failed { next = try await OutboundProgress(db: db).status(of: try comment.requireID(), current: current) }
            }
            guard next != current else { return nil }
            comment.deliveryStatus = next.rawValue
            var events: [AuditEvent] = []
            if next == .failed {
                let error = status.errors?.first
                let detail: JSONValue = [
                    "code": error.map { .int($0.code) } ?? .null, "title": JSONValue(error?.title),
                    "details": JSONValue(error?.errorData?.details),
                    "window_closed": .bool(error.map { WhatsAppErrorCode.isWindowClosed($0.code) } ?? false),
                ]
                comment.deliveryError = detail.encodedString()
                events.append(AuditEvent(type: .deliveryFailure, data: [
                    "comment_id": .int(try comment.requireID()), "code": detail["code"] ?? .null,
                    "title": detail["title"] ?? .null, "details": detail["details"] ?? .null,
                    "message": .string(error?.summary ?? "WhatsApp could not deliver the message"),
                ]))
                if let error, WhatsAppErrorCode.makesIntegrationUnhealthy(error.code) {
                    try await WhatsAppIntegrationModel.markUnhealthy(integrationID: integration.requireID(), error.summary, at: now, on: db)
                }
            }
            try await comment.saveDirectly(on: db)
            if !events.isEmpty {
                try await AuditModel(ticketID: comment.ticketID, authorID: nil, via: .whatsapp, events: events, now: now)
                    .createDirectly(on: db)
                return ["type": "delivery.failed", "ticket_id": .int(comment.ticketID), "comment_id": JSONValue(comment.id),
                        "author_id": JSONValue(comment.authorID), "code": events[0].data["code"] ?? .null,
                        "reason": events[0].data["message"] ?? .null]
            }
            return ["type": "comment.delivery", "ticket_id": .int(comment.ticketID), "comment_id": JSONValue(comment.id),
                    "delivery_status": .string(next.rawValue)]
        }
    }

    /// A part's state after a report of `reported` (a part without a known state counts as sent).
    private static func advanced(_ part: OutboundMessageIDModel, to reported: DeliveryStatus) -> String {
        (DeliveryStatus(rawValue: part.status) ?? .sent).advanced(to: reported).rawValue
    }
}
