import Foundation

/// WhatsApp's customer service window: a business may send free-form messages to a user only within 24 hours
/// of that user's last message; after that only approved templates go through. Knowing the window lets Parley
/// tell an agent before sending, rather than having WhatsApp reject the reply.
///
/// The window counts from the time the user *sent* their message as WhatsApp reports it (the `timestamp` of
/// the inbound message), not from when Parley received the webhook: WhatsApp enforces the window on its own
/// clock, and webhooks can arrive late or be redelivered, so counting from receipt would let agents send
/// replies WhatsApp then refuses. Time is passed in so that the rules stay pure and testable.
public struct ReplyWindow: Sendable, Equatable {
    public static let length: TimeInterval = 24 * 3600

    /// WhatsApp's send time of the end user's newest message; nil when the user never wrote.
    public let lastEndUserMessageAt: Date?

    public init(lastEndUserMessageAt: Date?) {
        self.lastEndUserMessageAt = lastEndUserMessageAt
    }

    /// The first instant at which the window is closed; nil when it never opened.
    public var closesAt: Date? {
        lastEndUserMessageAt.map { $0.addingTimeInterval(Self.length) }
    }

    /// Exactly 24 hours after the user's message the window is already closed, matching WhatsApp's
    /// "within 24 hours".
    public func isOpen(at now: Date) -> Bool {
        guard let closesAt else { return false }
        return now < closesAt
    }

    /// Time left to reply freely; 0 when closed or never opened.
    public func remaining(at now: Date) -> TimeInterval {
        guard let closesAt else { return 0 }
        return max(0, closesAt.timeIntervalSince(now))
    }

    /// The window after another end-user message. Webhooks are not delivered in order, so an older message
    /// arriving late must not shorten a window a newer one already extended.
    public func receiving(messageSentAt sentAt: Date) -> ReplyWindow {
        guard let last = lastEndUserMessageAt, last >= sentAt else {
            return ReplyWindow(lastEndUserMessageAt: sentAt)
        }
        return self
    }
}
