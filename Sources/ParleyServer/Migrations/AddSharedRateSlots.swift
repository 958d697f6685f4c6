import Fluent

/// The per-number send counters instances share on PostgreSQL (see `SharedRateSlots`).
struct AddSharedRateSlots: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema(SharedRateSlots.table)
            .field("integration_id", .int, .required)
            .field("slot", .int64, .required)
            .field("taken", .int, .required)
            .unique(on: "integration_id", "slot")
            .create()
    }

    func revert(on database: Database) async throws {
        try await database.schema(SharedRateSlots.table).delete()
    }
}
