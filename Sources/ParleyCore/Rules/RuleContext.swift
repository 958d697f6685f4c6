import Foundation

/// What rules look at: the ticket now, the ticket before the update that caused the evaluation, that update,
/// and `now` (rules never read a clock).
public struct RuleContext: Sendable {
    public struct TicketFacts: Sendable, Equatable {
        public var id: Int
        public var ticket: TicketSnapshot
        public var channel: String
        public var whatsappIntegrationID: Int?
        public var createdAt: Date
        public var updatedAt: Date
        public var statusChangedAt: Date?
        public var assignedAt: Date?
        public var requesterUpdatedAt: Date?
        public var lastEndUserMessageAt: Date?
        public var lastMessageForwarded: Bool
        public var requesterName: String?
        public var requesterEmail: String?
        public var assigneeName: String?

        public init(id: Int, ticket: TicketSnapshot, channel: String, whatsappIntegrationID: Int? = nil, createdAt: Date,
                    updatedAt: Date, statusChangedAt: Date? = nil, assignedAt: Date? = nil, requesterUpdatedAt: Date? = nil,
                    lastEndUserMessageAt: Date? = nil, lastMessageForwarded: Bool = false, requesterName: String? = nil,
                    requesterEmail: String? = nil, assigneeName: String? = nil) {
            self.id = id
            self.ticket = ticket
            self.channel = channel
            self.whatsappIntegrationID = whatsappIntegrationID
            self.createdAt = createdAt
            self.updatedAt = updatedAt
            self.statusChangedAt = statusChangedAt
            self.assignedAt = assignedAt
            self.requesterUpdatedAt = requesterUpdatedAt
            self.lastEndUserMessageAt = lastEndUserMessageAt
            self.lastMessageForwarded = lastMessageForwarded
            self.requesterName = requesterName
            self.requesterEmail = requesterEmail
            self.assigneeName = assigneeName
        }
    }

    public enum UpdateType: String, Sendable { case create = "Create", change = "Change" }

    public var facts: TicketFacts
    /// The ticket before the update (equal to `facts.ticket` for automations).
    public var previous: TicketSnapshot
    public var updateType: UpdateType
    /// The comment the update added, if any.
    public var comment: NewComment?
    /// Who made the update (`current_user` in actions and placeholders).
    public var currentUserID: Int?
    public var currentUserName: String?
    /// Only an agent can be assigned: `assignee_id current_user` on an end user's message changes nothing.
    public var currentUserIsStaff: Bool
    public var now: Date

    public init(facts: TicketFacts, previous: TicketSnapshot? = nil, updateType: UpdateType = .change, comment: NewComment? = nil,
                currentUserID: Int? = nil, currentUserName: String? = nil, currentUserIsStaff: Bool = true, now: Date) {
        self.facts = facts
        self.previous = previous ?? facts.ticket
        self.updateType = updateType
        self.comment = comment
        self.currentUserID = currentUserID
        self.currentUserName = currentUserName
        self.currentUserIsStaff = currentUserIsStaff
        self.now = now
    }
}
