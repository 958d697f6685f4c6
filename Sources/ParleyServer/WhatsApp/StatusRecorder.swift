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

    func record(_ status: StatusUpdate, integration: WhatsAppIntegrationModel) async throws {
        guard let reported = DeliveryStatus(whatsApp: status.status) else { return }
        try await db.transaction { db in
            guard let comment = try await CommentModel.query(on: db).filter(\.$externalMessageID == status.id).first() else {
                // The send's answer may not be stored yet: keep the status so the sender can apply it later.
                let record = WebhookRecordModel()
                record.integrationID = integration.id
                record.field = "status_unmatched"
                record.payload = (try? JSONValue.parse(JSONEncoder().encode(status)).encodedString()) ?? "{}"
                record.receivedAt = now
                try await record.create(on: db)
                return
            }
            let current = comment.deliveryStatus.flatMap(DeliveryStatus.init(rawValue:)) ?? .queued
            let next = current.advanced(to: reported)
            guard next != current else { return }
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
                if let code = error?.code, WhatsAppErrorCode.makesIntegrationUnhealthy(code) {
                    integration.healthError = error?.summary
                    integration.healthErrorAt = now
                    try await integration.save(on: db)
                }
            }
            try await comment.save(on: db)
            if !events.isEmpty {
                try await AuditModel(ticketID: comment.ticketID, authorID: nil, via: .whatsapp, events: events, now: now)
                    .create(on: db)
            }
        }
    }
}
