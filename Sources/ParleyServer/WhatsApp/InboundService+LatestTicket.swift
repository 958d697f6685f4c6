import Fluent
import FluentSQLiteDriver

extension InboundService {
    /// The requester's newest ticket on this number, as text written once on SQLite: read for every message
    /// received, where building the query through Fluent cost as much as running it. `+?`: prepared once whatever
    /// the number's id (see `EndUserResolver.ownerWithIdentitiesSQL`).
    static let latestTicketSQL = """
        SELECT \(SelectList(columns: TicketModel.keys, of: TicketModel.schema).sql) FROM "tickets" \
        WHERE "requester_id" = ? AND "whatsapp_integration_id" = +? ORDER BY "id" DESC LIMIT 1
        """

    func latestTicket(of requesterID: Int, on integrationID: Int) async throws -> TicketModel? {
        guard let sqlite = db as? any SQLiteDatabase else {
            return try await TicketModel.query(on: db).filter(\.$requesterID == requesterID)
                .filter(\.$whatsappIntegrationID == integrationID).sort(\.$id, .descending).first()
        }
        guard let row = try await sqlite.queryLogged(Self.latestTicketSQL, [.integer(requesterID), .integer(integrationID)]).first
        else { return nil }
        return try TicketModel.read(from: row)
    }

    /// The ticket as the look-up that found the person read it, else read now.
    func latestTicket(_ known: EndUserResolver.NewestTicket, of requesterID: Int, on integrationID: Int) async throws -> TicketModel? {
        switch known {
        case .ticket(let ticket): ticket
        case .absent: nil
        case .notRead: try await latestTicket(of: requesterID, on: integrationID)
        }
    }
}
