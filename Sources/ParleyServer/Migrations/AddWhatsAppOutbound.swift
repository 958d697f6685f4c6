import Fluent
import SQLKit

/// The outbox, outbound message ids, templates and the mark-as-read setting.
struct AddWhatsAppOutbound: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema(OutboxModel.schema)
            .parleyID(database)
            .field("comment_id", .int)
            .field("ticket_id", .int, .required)
            .field("integration_id", .int, .required)
            .field("kind", .string, .required)
            .field("payload", .string, .required)
            .field("status", .string, .required)
            .field("parts_sent", .int, .required)
            .field("attempts", .int, .required)
            .field("next_attempt_at", .datetime, .required)
            .field("claim", .string)
            .field("last_error", .string)
            .field("created_at", .datetime, .required)
            .field("sent_at", .datetime)
            .create()
        try await database.schema(OutboundMessageIDModel.schema)
            .parleyID(database)
            .field("wamid", .string, .required)
            .field("comment_id", .int, .required)
            .field("status", .string, .required)
            .unique(on: "wamid")
            .create()
        try await database.schema(WhatsAppTemplateModel.schema)
            .parleyID(database)
            .field("integration_id", .int, .required)
            .field("template_id", .string, .required)
            .field("name", .string, .required)
            .field("language", .string, .required)
            .field("category", .string, .required)
            .field("status", .string, .required)
            .field("body", .string, .required)
            .field("components", .string, .required)
            .field("synced_at", .datetime, .required)
            .unique(on: "integration_id", "name", "language")
            .create()
        try await database.schema(WhatsAppIntegrationModel.schema)
            .field("mark_read", .bool, .required, .sql(.default(true)))
            .update()
        if let sql = database as? SQLDatabase {
            try await sql.create(index: "outbox_due").on(OutboxModel.schema).column("status").column("next_attempt_at").run()
        }
    }

    func revert(on database: Database) async throws {
        try await database.schema(WhatsAppTemplateModel.schema).delete()
        try await database.schema(OutboundMessageIDModel.schema).delete()
        try await database.schema(OutboxModel.schema).delete()
    }
}
