import Fluent
import ParleyCore

/// A multi-part comment's delivery state, from its parts' states.
struct OutboundProgress {
    let db: Database

    private static let rank: [DeliveryStatus: Int] = [.queued: 0, .sent: 1, .delivered: 2, .read: 3]

    /// The least advanced part decides; while parts still wait in the outbox the comment stays where it is.
    func status(of commentID: Int, current: DeliveryStatus) async throws -> DeliveryStatus {
        if current == .failed { return .failed }
        let waiting = try await OutboxModel.query(on: db).filter(\.$commentID == commentID)
            .filter(\.$kind != "read").filter(\.$status ~~ ["queued", "sending"]).count()
        let parts = try await OutboundMessageIDModel.query(on: db).filter(\.$commentID == commentID).all()
            .compactMap { DeliveryStatus(rawValue: $0.status) }
        guard waiting == 0, let slowest = parts.min(by: { (Self.rank[$0] ?? 0) < (Self.rank[$1] ?? 0) }) else { return current }
        return current.advanced(to: slowest)
    }
}
