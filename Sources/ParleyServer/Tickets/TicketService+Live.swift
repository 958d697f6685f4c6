import Foundation
import ParleyCore

extension TicketService.Result {
    /// What connected agents hear about a saved update: the ticket changed, its own comment, and every comment
    /// (the update's or a rule's) that failed at once — a reply outside the WhatsApp window is one.
    func liveEvents(by origin: String? = nil) -> [JSONValue] {
        guard audit != nil, let ticketID = ticket.id else { return [] }
        var updated: [String: JSONValue] = ["type": "ticket.updated", "ticket_id": .int(ticketID), "status": .string(ticket.status)]
        if let origin { updated["by"] = .string(origin) }
        var events: [JSONValue] = [.object(updated)]
        if let comment {
            events.append(["type": "comment.created", "ticket_id": .int(ticketID), "comment_id": JSONValue(comment.id),
                           "public": .bool(comment.isPublic), "author_id": JSONValue(comment.authorID)])
        }
        for (failed, error) in failedDeliveries {
            events.append(["type": "delivery.failed", "ticket_id": .int(ticketID), "comment_id": JSONValue(failed.id),
                           "author_id": JSONValue(failed.authorID), "code": error?["code"] ?? .null,
                           "reason": error?["details"] ?? .null])
        }
        return events
    }

    /// The comments the update added that failed at once (before any send), each with its delivery error.
    var failedDeliveries: [(comment: CommentModel, error: JSONValue?)] {
        (comments.isEmpty ? [comment].compactMap { $0 } : comments)
            .filter { $0.deliveryStatus == DeliveryStatus.failed.rawValue }
            .map { ($0, $0.deliveryError.flatMap { try? JSONValue.parse(Data($0.utf8)) }) }
    }

    /// Whether the outbox has something new to send.
    var queuedDelivery: Bool { comments.contains { $0.deliveryStatus == DeliveryStatus.queued.rawValue } }
}
