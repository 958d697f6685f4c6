/// Where an outbound channel message stands. WhatsApp's status webhooks arrive in any order (read before
/// delivered, sent after failed), so the state only ever moves forward and `failed` is final.
public enum DeliveryStatus: String, Sendable, Codable, CaseIterable {
    case queued, sent, delivered, read, failed

    private var rank: Int {
        switch self {
        case .queued: 0
        case .sent: 1
        case .delivered: 2
        case .read: 3
        case .failed: 4
        }
    }

    /// WhatsApp's status names; `played` (a voice message was listened to) counts as read.
    public init?(whatsApp status: String) {
        switch status {
        case "sent": self = .sent
        case "delivered": self = .delivered
        case "read", "played": self = .read
        case "failed": self = .failed
        case "accepted", "queued": self = .queued
        default: return nil
        }
    }

    /// The state after a report of `next`: a later state replaces an earlier one, never the reverse.
    /// A failure ends delivery unless the message was already seen (a late `failed` cannot unread it).
    public func advanced(to next: DeliveryStatus) -> DeliveryStatus {
        if self == .failed { return .failed }
        if next == .failed { return (self == .delivered || self == .read) ? self : .failed }
        return next.rank > rank ? next : self
    }
}
