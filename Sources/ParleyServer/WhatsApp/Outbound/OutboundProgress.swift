import Fluent
import ParleyCore
import SQLKit

/// A multi-part comment's delivery state, from its parts' states.
struct OutboundProgress {
    let db: Database

    private static let rank: [DeliveryStatus: Int] = [.queued: 0, .sent: 1, .delivered: 2, .read: 3]
    /// Stands for an outbox row of the comment still waiting to be sent, among the parts' states.
    private static let waiting = "waiting"

    /// The least advanced part decides; while parts still wait in the outbox the comment stays where it is.
    func status(of commentID: Int, current: DeliveryStatus) async throws -> DeliveryStatus {
        if current == .failed { return .failed }
        // The parts' states and the comment's rows still in the outbox in one statement: it runs on every status
        // webhook, three for each reply.
        let states = try await db.requireSQL().raw("""
            SELECT status AS state FROM \(ident: OutboundMessageIDModel.schema) WHERE comment_id = \(bind: commentID)
            UNION ALL
            SELECT \(literal: Self.waiting) AS state FROM \(ident: OutboxModel.schema)
            WHERE comment_id = \(bind: commentID) AND kind <> 'read' AND status IN ('queued', 'sending')
            """).all(decodingColumn: "state", as: String.self)
        guard !states.contains(Self.waiting),
            let slowest = states.compactMap(DeliveryStatus.init(rawValue:)).min(by: { (Self.rank[$0] ?? 0) < (Self.rank[$1] ?? 0) })
        else { return current }
        return current.advanced(to: slowest)
    }
}
