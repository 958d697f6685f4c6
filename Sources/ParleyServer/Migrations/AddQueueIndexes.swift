import Fluent
import SQLKit

/// Look-ups of the work queues that read the whole table, which grows with every reply and every file: a claimed
/// batch read back by its token (the outbox, media downloads), a comment's outbox rows and sent parts (on every
/// status webhook), a ticket's read receipts (on every reply).
struct AddQueueIndexes: AsyncMigration {
    static let indexes: [(name: String, table: String, columns: [String])] = [
        ("outbox_claim", OutboxModel.schema, ["claim"]),
        ("outbox_comment", OutboxModel.schema, ["comment_id"]),
        ("outbox_ticket_kind", OutboxModel.schema, ["ticket_id", "kind"]),
        ("outbound_ids_comment", OutboundMessageIDModel.schema, ["comment_id"]),
        ("attachments_media_claim", AttachmentModel.schema, ["media_claim"]),
    ]

    func prepare(on database: Database) async throws {
        guard let sql = database as? SQLDatabase else { return }
        for index in Self.indexes {
            var builder = sql.create(index: index.name).on(index.table)
            for column in index.columns { builder = builder.column(column) }
            try await builder.run()
        }
    }

    func revert(on database: Database) async throws {
        guard let sql = database as? SQLDatabase else { return }
        for index in Self.indexes.reversed() { try await sql.drop(index: index.name).run() }
    }
}
