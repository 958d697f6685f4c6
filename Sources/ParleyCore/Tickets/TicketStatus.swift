/// Zendesk's ticket statuses, in the order a ticket normally moves through them.
public enum TicketStatus: String, Sendable, Codable, CaseIterable, Comparable {
    case new, open, pending, hold, solved, closed

    /// Statuses in which the requester's conversation is still going on (a new message joins the ticket).
    public var isUnsolved: Bool { self == .new || self == .open || self == .pending || self == .hold }

    private var rank: Int { TicketStatus.allCases.firstIndex(of: self)! }
    public static func < (lhs: TicketStatus, rhs: TicketStatus) -> Bool { lhs.rank < rhs.rank }
}
