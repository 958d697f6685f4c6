import Fluent
import SQLKit

/// The sends instances share on PostgreSQL (see `SharedSendWindow`), in place of the per-slot counters that counted a
/// send only when it was let out.
struct AddSharedSendWindow: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema(SharedSendWindow.table)
            .field("id", .int64, .identifier(auto: true))
            .field("integration_id", .int, .required)
            .field("started_at", .double, .required)
            .field("answered_at", .double)
            .create()
        if let sql = database as? SQLDatabase {
            try await sql.create(index: "whatsapp_rate_sends_integration").on(SharedSendWindow.table).column("integration_id").run()
        }
        try await database.schema(AddSharedRateSlots.table).delete()
    }

    func revert(on database: Database) async throws {
        try await AddSharedRateSlots().prepare(on: database)
        try await database.schema(SharedSendWindow.table).delete()
    }
}
