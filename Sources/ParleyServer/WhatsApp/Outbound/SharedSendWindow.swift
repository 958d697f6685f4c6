import Fluent
import Foundation
import ParleyCore
import SQLKit

/// Several instances on one PostgreSQL send for the same WhatsApp number, and Meta's limit is the number's, not each
/// instance's. They share `ThroughputWindow`'s rule through a table of sends: a send counts from its start until a
/// second after its answer, so a request held up on a busy instance cannot share Meta's second with sends other
/// instances start after it. (Counting a send when it was let out, in time slots, let the same thing happen across
/// instances that the twelfth session's benchmark caught within one.)
///
/// A start takes one transaction that holds the number's advisory lock while it counts and records; an answer is one
/// UPDATE. Counting reads the number's rows of the last second, so a start costs in proportion to the rate (80 rows at
/// Meta's default).
struct SharedSendWindow: Sendable {
    static let table = "whatsapp_rate_sends"
    /// A send still unanswered this long after its start belongs to an instance that stopped mid-request: it no longer
    /// counts (Graph API requests time out after 20 s).
    static let abandonedAfter: TimeInterval = 60
    /// One start in this many clears the number's rows that no longer count.
    static let clearEvery: Int64 = 32

    /// The application's database, asked for at each use (its connection pool outlives any one connection).
    let database: @Sendable () -> (any Database)?

    enum Start: Equatable {
        /// The send may go; `end` takes this id when it is answered.
        case started(Int64)
        /// Ask again after this long.
        case wait(TimeInterval)
    }

    /// Counts a send for `integrationID` starting at `now` if the number's sends of all instances allow one; nil
    /// when there is no database to share (this instance's own limit still holds).
    func start(_ integrationID: Int, rate: Int, now: Date = Date(), poll: TimeInterval = 0.01) async throws -> Start? {
        guard let database = database() else { return nil }
        return try await database.transaction { transaction in
            guard let sql = transaction as? SQLDatabase else { return nil }
            try await transaction.lockUntilCommit("whatsapp-rate:\(integrationID)")
            let table = SQLIdentifier(Self.table)
            let time = now.timeIntervalSince1970
            let counted: SQLQueryString = """
                integration_id = \(bind: integrationID) AND (answered_at > \(bind: time - ThroughputWindow.length) \
                OR (answered_at IS NULL AND started_at > \(bind: time - Self.abandonedAfter)))
                """
            if let row = try await sql.raw("""
                INSERT INTO \(table) (integration_id, started_at) SELECT \(bind: integrationID), \(bind: time)
                WHERE (SELECT count(*) FROM \(table) WHERE \(counted)) < \(bind: max(1, rate)) RETURNING id
                """).first() {
                let id = try row.decode(column: "id", as: Int64.self)
                if id % Self.clearEvery == 0 {
                    try await sql.raw("DELETE FROM \(table) WHERE integration_id = \(bind: integrationID) AND NOT (\(counted))").run()
                }
                return .started(id)
            }
            // Full: free once the oldest counted answer is a second old; while all are in flight, no time is known yet.
            let oldest = try await sql.raw("SELECT min(answered_at) AS oldest FROM \(table) WHERE \(counted)").first()
                .flatMap { try $0.decodeNil(column: "oldest") ? nil : $0.decode(column: "oldest", as: Double.self) }
            return .wait(oldest.map { ThroughputWindow.length - (time - $0) } ?? poll)
        }
    }

    /// The send `id` was answered (or failed) at `now`: it counts for one more second.
    func end(_ id: Int64, now: Date = Date()) async throws {
        guard let sql = database() as? SQLDatabase else { return }
        try await sql.raw("UPDATE \(ident: Self.table) SET answered_at = \(bind: now.timeIntervalSince1970) WHERE id = \(bind: id)").run()
    }
}
