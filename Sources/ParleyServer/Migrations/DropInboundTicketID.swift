import Fluent
import SQLKit

/// The inbound ledger kept the ticket each message went to, at the cost of a second write per message; nothing
/// read it (a message's comment already names its ticket through `external_message_id`).
struct DropInboundTicketID: AsyncMigration {
    func prepare(on database: Database) async throws {
        guard let sql = database as? SQLDatabase else { return }
        try await sql.raw("ALTER TABLE \(ident: InboundMessageModel.schema) DROP COLUMN ticket_id").run()
    }

    func revert(on database: Database) async throws {
        guard let sql = database as? SQLDatabase else { return }
        try await sql.raw("ALTER TABLE \(ident: InboundMessageModel.schema) ADD COLUMN ticket_id INTEGER").run()
    }
}
