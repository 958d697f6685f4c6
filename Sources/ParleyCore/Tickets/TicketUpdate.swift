import Foundation

/// What a caller asks to change. `nil` leaves a field alone; for clearable fields `.some(nil)` clears it.
public struct TicketUpdate: Sendable, Equatable {
    public var subject: String?
    public var status: TicketStatus?
    public var priority: TicketPriority??
    public var type: TicketType??
    public var tags: [String]?
    public var additionalTags: [String] = []
    public var removeTags: [String] = []
    public var requesterID: Int?
    public var submitterID: Int?
    public var assigneeID: Int??
    public var groupID: Int??
    public var externalID: String??
    public var comment: NewComment?

    public init() {}

    public var isEmpty: Bool { self == TicketUpdate() }
}

/// A comment added with an update.
public struct NewComment: Sendable, Equatable {
    public var body: String
    public var htmlBody: String?
    public var isPublic: Bool
    public var uploadTokens: [String]
    /// Someone other than the caller who wrote it (an agent recording what the requester said).
    public var authorID: Int?
    /// The channel's id for the message (WhatsApp's wamid), when the comment came from a channel.
    public var channelMessageID: String?
    /// When the author sent it, as the channel reports it (may be earlier than when Parley heard of it).
    public var sentAt: Date?
    /// Channel details shown with the comment (media, location, quoted message, forwarded marker…).
    public var metadata: JSONValue?

    public init(
        body: String, htmlBody: String? = nil, isPublic: Bool = true, uploadTokens: [String] = [], authorID: Int? = nil
    ) {
        self.body = body
        self.authorID = authorID
        self.htmlBody = htmlBody
        self.isPublic = isPublic
        self.uploadTokens = uploadTokens
    }
}
