import Fluent
import ParleyCore
import Vapor

/// Renders tickets for the API, adding the WhatsApp channel data (the end user's ids and the reply window,
/// computed by the pure `ReplyWindow` from the newest end-user send time and the clock's now).
struct TicketPresenter {
    let req: Request

    func render(_ ticket: TicketModel) async throws -> JSONValue {
        try await render([TicketRow(ticket)])[0]
    }

    func render(_ tickets: [TicketModel]) async throws -> [JSONValue] {
        try await render(tickets.map(TicketRow.init))
    }

    func render(_ tickets: [TicketRow]) async throws -> [JSONValue] {
        let requesterIDs = tickets.filter { $0.whatsappIntegrationID != nil }.compactMap(\.requesterID)
        var identities: [Int: [String: String]] = [:]
        if !requesterIDs.isEmpty {
            // By user only: with the types in the query too, SQLite walks the (type, value) index, every end
            // user's identities, instead of the few rows of these users (a view page took 3 times as long).
            let shown: Set<String> = [IdentityType.whatsappBSUID.rawValue, IdentityType.phoneNumber.rawValue,
                                      IdentityType.whatsappUsername.rawValue]
            // Only the three fields shown, as plain values.
            let rows = try await UserIdentityModel.query(on: req.db).filter(\.$userID ~~ Array(Set(requesterIDs)))
                .field(\.$userID).field(\.$type).field(\.$value)
                .plainRows(sqlite: { row in
                    (user: try row.value("user_id", as: Int.self), type: try row.value("type", as: String.self),
                     value: try row.value("value", as: String.self))
                }, models: { (user: $0.userID, type: $0.type, value: $0.value) })
            for row in rows where shown.contains(row.type) { identities[row.user, default: [:]][row.type] = row.value }
        }
        let integrationIDs = Array(Set(tickets.compactMap(\.whatsappIntegrationID)))
        let templatesOn = try await req.parley.integrations.withIDs(Set(integrationIDs), on: req.db)
            .filter(\.templatesEnabled).compactMap(\.id)
        // Only a closed ticket can have follow-ups (a message after it was closed opens one).
        let closedIDs = tickets.filter { $0.status == TicketStatus.closed.rawValue }.map(\.id)
        var followUps: [Int: [Int]] = [:]
        if !closedIDs.isEmpty {
            let pairs = try await TicketModel.query(on: req.db).filter(\.$followupSourceID ~~ closedIDs).sort(\.$id)
                .field(\.$id).field(\.$followupSourceID)
                .plainRows(sqlite: { row in (id: try row.value("id", as: Int.self), source: try row.value("followup_source_id", as: Int.self)) },
                           models: { (id: $0.id ?? 0, source: $0.followupSourceID ?? 0) })
            for pair in pairs { followUps[pair.source, default: []].append(pair.id) }
        }
        let now = req.parley.clock.now
        let baseURL = req.baseURL
        return tickets.map { ticket in
            var json = ticket.json(baseURL: baseURL)
            if let ids = followUps[ticket.id], case .object(var object) = json {
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
