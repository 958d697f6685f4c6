import Fluent
import Foundation
import ParleyCore

/// Gathers what rules look at about a ticket (names for placeholders, the last message's forwarded flag…).
struct RuleFactsLoader {
    let db: Database

    /// `incoming` is the update's own comment and its author: triggers run before it is stored, and when the
    /// requester wrote it, it is the last message they sent.
    func facts(for ticket: TicketModel, incoming: (comment: NewComment, authorID: Int?)? = nil) async throws -> RuleContext.TicketFacts {
        let ids = [ticket.requesterID, ticket.assigneeID].compactMap { $0 }
        let users = ids.isEmpty ? [] : try await UserModel.query(on: db).filter(\.$id ~~ ids).all()
        let requester = users.first { $0.id == ticket.requesterID }
        let assignee = users.first { $0.id == ticket.assigneeID }
        var forwarded = false
        if let incoming, incoming.authorID != nil, incoming.authorID == ticket.requesterID {
            forwarded = incoming.comment.metadata?["whatsapp"]?["forwarded"]?.boolValue == true
        } else if ticket.whatsappIntegrationID != nil, let requesterID = ticket.requesterID, let ticketID = ticket.id,
            let last = try await CommentModel.query(on: db).filter(\.$ticketID == ticketID).filter(\.$authorID == requesterID)
                .sort(\.$createdAt, .descending).sort(\.$id, .descending).first()  // WhatsApp's times are whole seconds
        {
            forwarded = last.metadataJSON["whatsapp"]?["forwarded"]?.boolValue == true
        }
        return RuleContext.TicketFacts(
            id: ticket.id ?? 0, ticket: ticket.snapshot, channel: ticket.viaChannel, whatsappIntegrationID: ticket.whatsappIntegrationID,
            createdAt: ticket.createdAt, updatedAt: ticket.updatedAt, statusChangedAt: ticket.statusChangedAt,
            assignedAt: ticket.assignedAt, requesterUpdatedAt: ticket.requesterUpdatedAt,
            lastEndUserMessageAt: ticket.lastEndUserMessageAt, lastMessageForwarded: forwarded, requesterName: requester?.name,
            requesterEmail: requester?.email, assigneeName: assignee?.name)
    }

    /// The active triggers in the order they run, from `cache` when one is given.
    func activeTriggers(cache: ActiveTriggersCache?) async throws -> [TriggerCycle.Trigger] {
        let load = { try await activeRules("trigger").map(\.trigger) }
        guard let cache else { return try await load() }
        return try await cache.value(load: load)
    }

    func activeRules(_ kind: String) async throws -> [RuleModel] {
        try await RuleModel.query(on: db).filter(\.$kind == kind).filter(\.$active == true).sort(\.$position).sort(\.$id).all()
    }
}
