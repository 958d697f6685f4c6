import Foundation
import SQLKit

/// Several instances on one PostgreSQL send for the same WhatsApp number, and Meta's limit is the number's,
/// not each instance's: they share it through a counter per short time slot, taken with one atomic upsert.
/// Each slot allows a share of the rate a little under its length, so that any one-second window stays within
/// the limit.
struct SharedRateSlots: Sendable {
    static let table = "whatsapp_rate_slots"
    /// The application's database, asked for at each use (its connection pool outlives any one connection).
    let database: @Sendable () -> (any SQLDatabase)?

    /// The slot length and how many sends each slot allows, for a rate per second. With `n` slots a second,
    /// any one-second window overlaps at most `n + 1` of them, so each allows `rate / (n + 1)`; `n` (1 to 10)
    /// is chosen to let through the most.
    static func slots(for rate: Double) -> (length: TimeInterval, capacity: Int) {
        func capacity(_ slotsPerSecond: Int) -> Int { Int((rate / Double(slotsPerSecond + 1)).rounded(.down)) }
        func throughput(_ slotsPerSecond: Int) -> Int { slotsPerSecond * capacity(slotsPerSecond) }
        let best = (1...10).max { throughput($0) < throughput($1) } ?? 1
        // Under 2 a second no slot fits; one send a second is the least a number can be given.
        return (1 / Double(best), max(1, capacity(best)))
    }

    /// Counts a send in the current slot; returns 0 when it may go now, else how long to wait before asking again.
    func take(_ integrationID: Int, rate: Double, now: Date = Date()) async throws -> TimeInterval {
        let (length, capacity) = Self.slots(for: rate)
        let slot = Int64((now.timeIntervalSince1970 / length).rounded(.down))
        let table = SQLIdentifier(Self.table)
        guard let sql = database() else { return 0 }
        guard let row = try await sql.raw("""
            INSERT INTO \(table) (integration_id, slot, taken) VALUES (\(bind: integrationID), \(bind: slot), 1)
            ON CONFLICT (integration_id, slot) DO UPDATE SET taken = \(table).taken + 1 RETURNING taken
            """).first()
        else { return length }
        let taken = try row.decode(column: "taken", as: Int.self)
        if taken == 1 {
            // The first send of a slot clears this number's slots older than a minute.
            try await sql.raw("DELETE FROM \(table) WHERE integration_id = \(bind: integrationID) AND slot < \(bind: slot - Int64(60 / length))")
                .run()
        }
        guard taken > capacity else { return 0 }
        return Double(slot + 1) * length - now.timeIntervalSince1970
    }
}
