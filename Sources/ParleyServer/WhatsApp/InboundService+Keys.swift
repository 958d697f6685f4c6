import ParleyCore
import WhatsAppCloud

extension InboundService {
    /// The people a webhook's events are about (phone numbers, user ids, usernames): two webhooks about different
    /// people write different users, tickets and comments, so they may run side by side in a group commit
    /// (`GroupCommit.run(keys:)`). Nil when an event may touch other people's records (identity changes), or names
    /// nobody: that webhook runs alone in its turn.
    static func conversationKeys(_ events: [WebhookEvent]) -> Set<String>? {
        var keys: Set<String> = []
        for event in events {
            var found: [String] = []
            switch event {
            case .message(_, let contact, let message):
                guard message.type != "system" else { return nil }
                found = person(phone: message.from ?? contact?.waID, userID: message.fromUserID ?? contact?.userID,
                               username: contact?.profile?.username)
                found += person(phone: contact?.waID, userID: contact?.userID, username: nil)
            case .status(_, let status):
                found = person(phone: status.recipientID, userID: status.recipientUserID, username: nil)
            case .call(_, let contact, let call):
                found = person(phone: call.from ?? contact?.waID, userID: contact?.userID, username: contact?.profile?.username)
            case .error, .unreadable, .other:
                // Recorded as they came, in rows of their own.
                continue
            }
            guard !found.isEmpty else { return nil }
            keys.formUnion(found)
        }
        return keys
    }

    private static func person(phone: String?, userID: String?, username: String?) -> [String] {
        var keys: [String] = []
        if let phone, case let digits = phone.filter(\.isNumber), !digits.isEmpty { keys.append("phone:" + digits) }
        if let userID, !userID.isEmpty { keys.append("user:" + userID) }
        if let username, !username.isEmpty { keys.append("username:" + username) }
        return keys
    }
}
