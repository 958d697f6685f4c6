import Foundation

/// What may happen to an outbound message under WhatsApp's rules.
public enum ReplyDecision: Sendable, Equatable {
    case send
    /// Free-form text outside the window: stored on the ticket, never sent. `closedAt` is nil when the end user
    /// never wrote (a conversation cannot be started with free-form text).
    case refuse(closedAt: Date?)

    /// Templates may go at any time (they are WhatsApp's paid way back); everything else needs an open window.
    public static func decide(window: ReplyWindow, isTemplate: Bool, now: Date) -> ReplyDecision {
        if isTemplate || window.isOpen(at: now) { return .send }
        return .refuse(closedAt: window.closesAt)
    }

    /// The reason shown to agents and stored with the failed comment.
    public var reason: String? {
        guard case .refuse(let closedAt) = self else { return nil }
        guard let closedAt else {
            return "Not sent: the end user has never written, and WhatsApp allows only a template to start a conversation."
        }
        return "Not sent: WhatsApp 24-hour window closed at \(closedAt.formatted(.iso8601)). Only a template can reach the end user now."
    }
}
