import Fluent
import SQLKit

/// Look-ups that grew with the data: statuses that arrived before their send was recorded (searched by kind
/// and age on every send), and a closed ticket's follow-ups (listed with the ticket).
struct AddLookupIndexes: AsyncMigration {
    func prepare(on database: Database) async throws {
        guard let sql = database as? SQLDatabase else { return }
        try await sql.create(index: "webhook_records_field_received").on(WebhookRecordModel.schema)
            .column("field").column("received_at").run()
        try await sql.create(index: "tickets_followup_source").on(TicketModel.schema).column("followup_source_id").run()
    }

    func revert(on database: Database) async throws {
        guard let sql = database as? SQLDatabase else { return }
        try await sql.drop(index: "tickets_followup_source").run()
        try await sql.drop(index: "webhook_records_field_received").run()
    }
}
