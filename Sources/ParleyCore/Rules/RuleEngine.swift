import Foundation

/// Evaluates rule conditions against a ticket and applies rule actions, as pure functions.
public enum RuleEngine {
    // MARK: - Conditions

    public static func matches(_ conditions: RuleConditions, in context: RuleContext) -> Bool {
        guard conditions.all.allSatisfy({ holds($0, in: context) }) else { return false }
        return conditions.any.isEmpty || conditions.any.contains { holds($0, in: context) }
    }

    /// A field's value as Zendesk compares it: a string, "" for none.
    static func text(_ value: JSONValue?) -> String {
        switch value {
        case .string(let string)?: string
        case .int(let int)?: String(int)
        case .double(let double)?: String(double)
        case .bool(let bool)?: String(bool)
        default: ""
        }
    }

    static func value(of field: String, in ticket: TicketSnapshot) -> String {
        switch field {
        case "status": ticket.status.rawValue
        case "priority": ticket.priority?.rawValue ?? ""
        case "type": ticket.type?.rawValue ?? ""
        case "group_id": ticket.groupID.map(String.init) ?? ""
        case "assignee_id": ticket.assigneeID.map(String.init) ?? ""
        case "requester_id": ticket.requesterID.map(String.init) ?? ""
        default: ""
        }
    }

    private static func rank(_ field: String, _ value: String) -> Int? {
        switch field {
        case "status": TicketStatus.allCases.firstIndex { $0.rawValue == value.lowercased() }
        case "priority": value.isEmpty ? -1 : TicketPriority.allCases.firstIndex { $0.rawValue == value.lowercased() }
        default: nil
        }
    }

    private static func words(_ value: JSONValue) -> [String] {
        let raw: [String] = value.arrayValue?.compactMap(\.stringValue) ?? [text(value)]
        return raw.flatMap { $0.split(whereSeparator: \.isWhitespace).map { $0.lowercased() } }
    }

    private static func hours(since date: Date?, now: Date) -> Double? {
        date.map { now.timeIntervalSince($0) / 3600 }
    }

    private static func compareHours(_ hours: Double?, _ op: String, _ value: JSONValue) -> Bool {
        guard let hours, let limit = Double(text(value)) else { return false }
        switch op {
        case "is": return Int(hours.rounded(.down)) == Int(limit)
        case "less_than": return hours < limit
        case "greater_than": return hours > limit
        default: return false
        }
    }

    public static func holds(_ condition: RuleCondition, in context: RuleContext) -> Bool {
        let field = condition.field
        let op = condition.operator
        let wanted = text(condition.value)
        let ticket = context.facts.ticket
        switch field {
        case _ where RuleField.ticketFields.contains(field):
            let now = value(of: field, in: ticket)
            // A new ticket had no values before: "changed to open" holds on the create that opens it.
            let before = context.updateType == .create ? "" : value(of: field, in: context.previous)
            let target = field == "assignee_id" && wanted == "current_user" ? (context.currentUserID.map(String.init) ?? "") : wanted
            switch op {
            case "is": return now.lowercased() == target.lowercased()
            case "is_not": return now.lowercased() != target.lowercased()
            case "changed": return now != before || context.updateType == .create
            case "not_changed": return now == before && context.updateType != .create
            case "value": return now != before && now.lowercased() == target.lowercased()
            case "value_previous": return now != before && before.lowercased() == target.lowercased()
            case "not_value": return now != before && now.lowercased() != target.lowercased()
            case "not_value_previous": return now != before && before.lowercased() != target.lowercased()
            default:
                guard let mine = rank(field, now), let other = rank(field, target) else { return false }
                switch op {
                case "less_than": return mine < other
                case "greater_than": return mine > other
                case "less_than_equal": return mine <= other
                case "greater_than_equal": return mine >= other
                default: return false
                }
            }
        case "current_tags", "tags":
            let listed = Set(words(condition.value))
            let has = !listed.isDisjoint(with: Set(ticket.tags))
            return op == "includes" ? has : !has
        case "via_id":
            let aliases = ["0": "web", "4": "email", "5": "api", "8": "rule", "75": "whatsapp"]
            let channel = aliases[wanted] ?? wanted.lowercased()
            return (context.facts.channel == channel) == (op == "is")
        case "whatsapp_integration_id":
            return (context.facts.whatsappIntegrationID.map(String.init) ?? "" == wanted) == (op == "is")
        case "update_type":
            return (context.updateType.rawValue.lowercased() == wanted.lowercased()) == (op == "is")
        case "comment_is_public":
            guard let comment = context.comment else { return wanted == "not_relevant" }
            if wanted == "not_relevant" { return true }
            return (String(comment.isPublic) == wanted.lowercased()) == (op == "is")
        case "comment_includes_word", "subject_includes_word":
            let haystack = (field == "subject_includes_word" ? ticket.subject : context.comment?.body)?.lowercased() ?? ""
            let tokens = Set(haystack.split { !$0.isLetter && !$0.isNumber }.map(String.init))
            switch op {
            case "includes": return words(condition.value).contains { tokens.contains($0) }
            case "not_includes": return !words(condition.value).contains { tokens.contains($0) }
            case "is": return haystack.contains(wanted.lowercased())
            case "is_not": return !haystack.contains(wanted.lowercased())
            default: return false
            }
        case "whatsapp_window_open":
            guard context.facts.whatsappIntegrationID != nil else { return false }
            let open = ReplyWindow(lastEndUserMessageAt: context.facts.lastEndUserMessageAt).isOpen(at: context.now)
            return (String(open) == wanted.lowercased()) == (op == "is")
        case "whatsapp_last_message_forwarded":
            return (String(context.facts.lastMessageForwarded) == wanted.lowercased()) == (op == "is")
        case "whatsapp_window_closes_in_hours":
            let window = ReplyWindow(lastEndUserMessageAt: context.facts.lastEndUserMessageAt)
            guard window.isOpen(at: context.now) else { return false }
            return compareHours(window.remaining(at: context.now) / 3600, op, condition.value)
        case "whatsapp_hours_since_last_message":
            return compareHours(hours(since: context.facts.lastEndUserMessageAt, now: context.now), op, condition.value)
        case "NEW", "OPEN", "PENDING", "HOLD", "SOLVED", "CLOSED":
            guard ticket.status.rawValue == field.lowercased() else { return false }
            return compareHours(hours(since: context.facts.statusChangedAt ?? context.facts.createdAt, now: context.now), op, condition.value)
        case "created_at": return compareHours(hours(since: context.facts.createdAt, now: context.now), op, condition.value)
        case "updated_at": return compareHours(hours(since: context.facts.updatedAt, now: context.now), op, condition.value)
        case "assigned_at": return compareHours(hours(since: context.facts.assignedAt, now: context.now), op, condition.value)
        case "requester_updated_at":
            return compareHours(hours(since: context.facts.requesterUpdatedAt, now: context.now), op, condition.value)
        default:
            return false
        }
    }
}
