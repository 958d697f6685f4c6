import Fluent

/// Per-number send counters instances shared on PostgreSQL; `AddSharedSendWindow` replaces them.
struct AddSharedRateSlots: AsyncMigration {
    static let table = "whatsapp_rate_slots"

    func prepare(on database: Database) async throws {
        try await database.schema(Self.table)
            .field("integration_id", .int, .required)
            .field("slot", .int64, .required)
            .field("taken", .int, .required)
            .unique(on: "integration_id", "slot")
            .create()
    }

    func revert(on database: Database) async throws {
        try await database.schema(Self.table).delete()
    }
}
