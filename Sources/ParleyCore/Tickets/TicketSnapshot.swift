import Foundation

/// The fields of a ticket that rules and status logic reason about, independent of storage.
public struct TicketSnapshot: Sendable, Equatable {
    public var subject: String?
    public var description: String?
    public var status: TicketStatus
    public var priority: TicketPriority?
    public var type: TicketType?
    public var tags: [String]
    public var requesterID: Int?
    public var submitterID: Int?
    public var assigneeID: Int?
    public var groupID: Int?
    public var externalID: String?
    public var solvedAt: Date?

    public init(
        subject: String? = nil, description: String? = nil, status: TicketStatus = .new,
        priority: TicketPriority? = nil, type: TicketType? = nil, tags: [String] = [],
        requesterID: Int? = nil, submitterID: Int? = nil, assigneeID: Int? = nil, groupID: Int? = nil,
        externalID: String? = nil, solvedAt: Date? = nil
    ) {
        self.subject = subject
        self.description = description
        self.status = status
        self.priority = priority
        self.type = type
        self.tags = tags
        self.requesterID = requesterID
        self.submitterID = submitterID
        self.assigneeID = assigneeID
        self.groupID = groupID
        self.externalID = externalID
        self.solvedAt = solvedAt
    }
}
