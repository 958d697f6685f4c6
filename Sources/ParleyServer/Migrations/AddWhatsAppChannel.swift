import Fluent
import SQLKit

/// WhatsApp integrations, the inbound message ledger, tickets' integration and media download state.
struct AddWhatsAppChannel: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema(WhatsAppIntegrationModel.schema)
            .parleyID(database)
            .field("name", .string, .required)
            .field("phone_number_id", .string, .required)
            .field("waba_id", .string, .required)
            .field("display_number", .string, .required)
            .field("access_token", .string, .required)
            .field("app_secret", .string, .required)
            .field("verify_token", .string, .required)
            .field("mask_credit_card_numbers", .bool, .required)
            .field("templates_enabled", .bool, .required)
            .field("health_error", .string)
            .field("health_error_at", .datetime)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "phone_number_id")
            .create()

        try await database.schema(InboundMessageModel.schema)
            .parleyID(database)
            .field("wamid", .string, .required)
            .field("integration_id", .int, .required)
            .field("kind", .string, .required)
            .field("ticket_id", .int)
            .field("received_at", .datetime, .required)
            .unique(on: "wamid")
            .create()

        try await database.schema(WebhookRecordModel.schema)
            .parleyID(database)
            .field("integration_id", .int)
            .field("field", .string, .required)
            .field("payload", .string, .required)
            .field("received_at", .datetime, .required)
            .create()

        try await database.schema(TicketModel.schema).field("whatsapp_integration_id", .int).update()
        for field in ["media_status", "media_id", "media_error", "media_expected_sha256", "media_kind", "media_claim"] {
            try await database.schema(AttachmentModel.schema).field(FieldKey(stringLiteral: field), .string).update()
        }
        try await database.schema(AttachmentModel.schema).field("media_integration_id", .int).update()
        try await database.schema(AttachmentModel.schema).field("media_attempts", .int).update()
        try await database.schema(AttachmentModel.schema).field("media_next_attempt_at", .datetime).update()

        guard let sql = database as? SQLDatabase else { return }
        try await sql.create(index: "attachments_media_pending").on(AttachmentModel.schema)
            .column("media_status").column("media_next_attempt_at").run()
        try await sql.create(index: "tickets_requester_integration").on(TicketModel.schema)
            .column("requester_id").column("whatsapp_integration_id").run()
    }

    func revert(on database: Database) async throws {
        try await database.schema(WebhookRecordModel.schema).delete()
        try await database.schema(InboundMessageModel.schema).delete()
        try await database.schema(WhatsAppIntegrationModel.schema).delete()
    }
}
