import Fluent
import ParleyCore
import Vapor

/// Renders tickets for the API, adding the WhatsApp channel data (the end user's ids and the reply window,
/// computed by the pure `ReplyWindow` from the newest end-user send time and the clock's now).
struct TicketPresenter {
    let req: Request

    func render(_ ticket: TicketModel) async throws -> JSONValue {
        try await render([ticket])[0]
    }

    func render(_ tickets: [TicketModel]) async throws -> [JSONValue] {
        let requesterIDs = tickets.filter { $0.whatsappIntegrationID != nil }.compactMap(\.requesterID)
        var identities: [Int: [String: String]] = [:]
        if !requesterIDs.isEmpty {
            // By user only: with the types in the query too, SQLite walks the (type, value) index, every end
            // user's identities, instead of the few rows of these users (a view page took 3 times as long).
            let shown: Set<String> = [IdentityType.whatsappBSUID.rawValue, IdentityType.phoneNumber.rawValue,
                                      IdentityType.whatsappUsername.rawValue]
            // Only the three fields shown.
            let rows = try await UserIdentityModel.query(on: req.db).filter(\.$userID ~~ Array(Set(requesterIDs)))
                .field(\.$userID).field(\.$type).field(\.$value).allReadingRowsDirectly()
            for row in rows where shown.contains(row.type) { identities[row.userID, default: [:]][row.type] = row.value }
        }
        let integrationIDs = Array(Set(tickets.compactMap(\.whatsappIntegrationID)))
        let templatesOn = integrationIDs.isEmpty ? [] : try await WhatsAppIntegrationModel.query(on: req.db)
            .filter(\.$id ~~ integrationIDs).filter(\.$templatesEnabled == true).field(\.$id).all().compactMap(\.id)
        // Only a closed ticket can have follow-ups (a message after it was closed opens one).
        let closedIDs = tickets.filter { $0.status == TicketStatus.closed.rawValue }.compactMap(\.id)
        var followUps: [Int: [Int]] = [:]
        if !closedIDs.isEmpty {
            for followUp in try await TicketModel.query(on: req.db).filter(\.$followupSourceID ~~ closedIDs).sort(\.$id).allReadingRowsDirectly() {
                if let source = followUp.followupSourceID, let id = followUp.id { followUps[source, default: []].append(id) }
            }
        }
        let now = req.parley.clock.now
        return tickets.map { ticket in
            var json = ticket.json(baseURL: req.baseURL)
            if let id = ticket.id, let ids = followUps[id], case .object(var object) = json {
                object["followup_ids"] = JSONValue(ids)
                json = .object(object)
            }
            guard case .object(var object) = json, let integrationID = ticket.whatsappIntegrationID else { return json }
            let ids = ticket.requesterID.flatMap { identities[$0] } ?? [:]
            let window = ReplyWindow(lastEndUserMessageAt: ticket.lastEndUserMessageAt)
            object["whatsapp"] = [
                "integration_id": .int(integrationID),
                "templates_enabled": .bool(templatesOn.contains(integrationID)),
                "end_user": [
                    "user_id": JSONValue(ids[IdentityType.whatsappBSUID.rawValue]),
                    "phone": JSONValue(ids[IdentityType.phoneNumber.rawValue]),
                    "username": JSONValue(ids[IdentityType.whatsappUsername.rawValue]),
                ],
                "window_open": .bool(window.isOpen(at: now)),
                "window_closes_at": JSONValue(window.closesAt),
                "window_remaining_seconds": .int(Int(window.remaining(at: now))),
                "last_end_user_message_at": JSONValue(ticket.lastEndUserMessageAt),
            ]
            return .object(object)
        }
    }
}
