import Fluent
import Foundation
import ParleyCore
import WhatsAppCloud

/// What the rows of one claimed batch need before sending, read in a handful of queries for the whole batch
/// instead of four or five per row: their integrations, tickets, comments and recipients.
struct OutboxBatch: Sendable {
    let integrations: [Int: WhatsAppIntegrationModel]
    let tickets: [Int: TicketModel]
    let commentIDs: Set<Int>
    let recipients: [Int: Recipient]

    static let empty = OutboxBatch(integrations: [:], tickets: [:], commentIDs: [], recipients: [:])

    static func load(for rows: [OutboxModel], integrations known: KnownIntegrations, on db: Database) async throws -> OutboxBatch {
        guard !rows.isEmpty else { return .empty }
        let integrations = try await known.withIDs(Set(rows.map(\.integrationID)), on: db)
        let messageRows = rows.filter { $0.kind != "read" }
        let ticketIDs = Array(Set(messageRows.map(\.ticketID)))
        let tickets = ticketIDs.isEmpty ? [] : try await TicketModel.query(on: db).filter(\.$id ~~ ticketIDs).all()
        let commentIDs = Array(Set(messageRows.compactMap(\.commentID)))
        let comments = commentIDs.isEmpty ? [] : try await CommentModel.query(on: db).filter(\.$id ~~ commentIDs)
            .field(\.$id).all(\.$id)
        let requesterIDs = Array(Set(tickets.compactMap(\.requesterID)))
        let identities = requesterIDs.isEmpty ? []
            : try await UserIdentityModel.query(on: db).filter(\.$userID ~~ requesterIDs).all()
        return OutboxBatch(
            integrations: Dictionary(integrations.compactMap { model in model.id.map { ($0, model) } }) { first, _ in first },
            tickets: Dictionary(tickets.compactMap { model in model.id.map { ($0, model) } }) { first, _ in first },
            commentIDs: Set(comments.compactMap { $0 }),
            recipients: Dictionary(grouping: identities, by: \.userID).compactMapValues(Self.recipient(from:)))
    }

    /// A phone number when WhatsApp showed one; otherwise the business-scoped user id.
    static func recipient(from identities: [UserIdentityModel]) -> Recipient? {
        if let phone = identities.first(where: { $0.type == IdentityType.phoneNumber.rawValue })?.value {
            return .phone(phone.filter(\.isNumber))
        }
        if let bsuid = identities.first(where: { $0.type == IdentityType.whatsappBSUID.rawValue })?.value {
            return .bsuid(bsuid)
        }
        return nil
    }

    func integration(_ id: Int, on db: Database) async throws -> WhatsAppIntegrationModel? {
        if let known = integrations[id] { return known }
        return try await WhatsAppIntegrationModel.findDirectly(id, on: db)
    }

    func ticket(_ id: Int, on db: Database) async throws -> TicketModel? {
        if let known = tickets[id] { return known }
        return try await TicketModel.findDirectly(id, on: db)
    }

    func commentExists(_ id: Int, on db: Database) async throws -> Bool {
        if commentIDs.contains(id) { return true }
        return try await CommentModel.query(on: db).filter(\.$id == id).count() > 0
    }

    func recipient(of ticket: TicketModel, on db: Database) async throws -> Recipient? {
        guard let requester = ticket.requesterID else { return nil }
        if let known = recipients[requester] { return known }
        return Self.recipient(from: try await UserIdentityModel.query(on: db).filter(\.$userID == requester).all())
    }
}
