import Foundation

/// A ticket's stored columns as plain values: what ticket lists render (view pages, search, `/api/v2/tickets`).
/// A `TicketModel` is 24 property-wrapper objects, each access a generic metadata look-up; filling, reading and
/// freeing them took a third of a view page's time (profiled). Writes still go through `TicketModel`.
struct TicketRow: Sendable, Equatable {
    var id: Int
    var subject: String?
    var description: String?
    var status: String
    var priority: String?
    var type: String?
    var tagsText: String
    var requesterID: Int?
    var submitterID: Int?
    var assigneeID: Int?
    var groupID: Int?
    var externalID: String?
    var viaChannel: String
    var viaSource: String?
    var followupSourceID: Int?
    var createdAt: Date
    var updatedAt: Date
    var solvedAt: Date?
    var lastEndUserMessageAt: Date?
    var whatsappIntegrationID: Int?
    var statusChangedAt: Date?
    var assignedAt: Date?
    var requesterUpdatedAt: Date?

    var tags: [String] { tagsText.split(separator: " ").map(String.init) }
}

extension TicketRow {
    init(_ ticket: TicketModel) {
        self.init(
            id: ticket.id ?? 0, subject: ticket.subject, description: ticket.description, status: ticket.status,
            priority: ticket.priority, type: ticket.type, tagsText: ticket.tagsText, requesterID: ticket.requesterID,
            submitterID: ticket.submitterID, assigneeID: ticket.assigneeID, groupID: ticket.groupID,
            externalID: ticket.externalID, viaChannel: ticket.viaChannel, viaSource: ticket.viaSource,
            followupSourceID: ticket.followupSourceID, createdAt: ticket.createdAt, updatedAt: ticket.updatedAt,
            solvedAt: ticket.solvedAt, lastEndUserMessageAt: ticket.lastEndUserMessageAt,
            whatsappIntegrationID: ticket.whatsappIntegrationID, statusChangedAt: ticket.statusChangedAt,
            assignedAt: ticket.assignedAt, requesterUpdatedAt: ticket.requesterUpdatedAt)
    }
}
