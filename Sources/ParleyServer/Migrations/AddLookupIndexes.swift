import Fluent
import SQLKit

/// Statuses that arrived before their send was recorded are looked up by kind and age on every send; without
/// an index that lookup read the whole raw record store.
struct AddWebhookRecordIndex: AsyncMigration {
    func prepare(on database: Database) async throws {
        guard let sql = database as? SQLDatabase else { return }
        try await sql.create(index: "webhook_records_field_received").on(WebhookRecordModel.schema)
            .column("field").column("received_at").run()
    }

    func revert(on database: Database) async throws {
        guard let sql = database as? SQLDatabase else { return }
        try await sql.drop(index: "webhook_records_field_received").run()
    }
}
