import Foundation

extension RuleEngine {
    /// The effects of a rule's actions on the ticket in `context`.
    public static func apply(_ actions: [RuleAction], in context: RuleContext) -> RuleEffects {
        var effects = RuleEffects()
        var commentText: String?
        var commentHTML: String?
        var isPublic = true
        var tags = context.facts.ticket.tags
        var tagsTouched = false
        for action in actions {
            let value = text(action.value)
            switch action.field {
            case "status": effects.update.status = TicketStatus(rawValue: value.lowercased())
            case "priority": effects.update.priority = .some(TicketPriority(rawValue: value.lowercased()))
            case "type": effects.update.type = .some(TicketType(rawValue: value.lowercased()))
            case "group_id": effects.update.groupID = .some(Int(value))
            case "assignee_id":
                if value == "current_user" {
                    if context.currentUserIsStaff, let agent = context.currentUserID { effects.update.assigneeID = .some(agent) }
                } else {
                    effects.update.assigneeID = .some(Int(value))
                }
            case "set_tags":
                tags = TagList.normalize(tagWords(action.value))
                tagsTouched = true
            case "current_tags":
                tags = TagList.adding(tagWords(action.value), to: tags)
                tagsTouched = true
            case "remove_tags":
                tags = TagList.removing(tagWords(action.value), from: tags)
                tagsTouched = true
            case "comment_value":
                // Zendesk sends either the text or ["channel:all", "text"].
                commentText = action.value.arrayValue?.last.map { text($0) } ?? value
            case "comment_value_html": commentHTML = value
            case "comment_mode_is_public": isPublic = action.value.boolValue ?? (value.lowercased() != "false")
            case "subject": effects.update.subject = Placeholders.render(value, with: context)
            case "notification_webhook":
                let parts = action.value.arrayValue ?? [action.value]
                let body = parts.count > 1 ? text(parts[1]) : ""
                let isJSON = body.drop { $0.isWhitespace }.first.map { $0 == "{" || $0 == "[" } ?? false
                effects.webhooks.append(.init(id: text(parts.first), body: Placeholders.render(
                    body, with: context, escape: isJSON ? Placeholders.jsonEscaped : { $0 })))
            case "whatsapp_template":
                guard case .object(var template) = action.value else { break }
                if let parameters = template["parameters"]?.arrayValue {
                    template["parameters"] = .array(parameters.map { .string(Placeholders.render(text($0), with: context)) })
                }
                effects.templates.append(.object(template))
            default: break
            }
        }
        if tagsTouched && tags != context.facts.ticket.tags { effects.update.tags = tags }
        if commentText != nil || commentHTML != nil {
            let body = Placeholders.render(commentText ?? commentHTML.map(stripTags) ?? "", with: context)
            effects.comments.append(NewComment(body: body, htmlBody: commentHTML.map { Placeholders.render($0, with: context) },
                                               isPublic: isPublic))
        }
        return effects
    }

    static func tagWords(_ value: JSONValue) -> [String] {
        value.arrayValue?.map { text($0) } ?? [text(value)]
    }

    static func stripTags(_ html: String) -> String {
        var result = ""
        var inside = false
        for character in html {
            if character == "<" { inside = true } else if character == ">" { inside = false } else if !inside { result.append(character) }
        }
        return result
    }

    /// The ticket as the effects would leave it (for trigger re-evaluation and previews).
    public static func snapshot(_ ticket: TicketSnapshot, after update: TicketUpdate) -> TicketSnapshot {
        var result = ticket
        if let subject = update.subject { result.subject = subject }
        if let status = update.status { result.status = status }
        if let priority = update.priority { result.priority = priority }
        if let type = update.type { result.type = type }
        if let group = update.groupID { result.groupID = group }
        if let assignee = update.assigneeID { result.assigneeID = assignee }
        if let tags = update.tags { result.tags = tags }
        return result
    }
}
