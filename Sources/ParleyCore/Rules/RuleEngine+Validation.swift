/// Checking rules before they are saved, with messages that name the offending condition or action.
extension RuleEngine {
    public enum Kind: String, Sendable { case trigger, automation, macro }

    public static func problems(conditions: RuleConditions?, actions: [RuleAction], kind: Kind) -> [String] {
        var problems: [String] = []
        if actions.isEmpty { problems.append("actions: at least one action is required") }
        for (index, action) in actions.enumerated() {
            if !RuleField.actionFields.contains(action.field) {
                problems.append("actions[\(index)]: unknown action field '\(action.field)'")
            } else if kind != .macro && RuleField.macroOnlyActions.contains(action.field) {
                problems.append("actions[\(index)]: '\(action.field)' is for macros only")
            } else if kind == .macro && RuleField.ruleOnlyActions.contains(action.field) {
                problems.append("actions[\(index)]: '\(action.field)' is for triggers and automations, not macros")
            } else if let problem = valueProblem(action) {
                problems.append("actions[\(index)]: \(problem)")
            }
        }
        guard let conditions else { return problems }
        for (group, list) in [("all", conditions.all), ("any", conditions.any)] {
            for (index, condition) in list.enumerated() {
                let name = "conditions.\(group)[\(index)]"
                guard let operators = RuleField.operators(for: condition.field) else {
                    problems.append("\(name): unknown field '\(condition.field)'")
                    continue
                }
                if !operators.contains(condition.operator) {
                    problems.append("\(name): unknown operator '\(condition.operator)' for field '\(condition.field)' (use \(operators.sorted().joined(separator: ", ")))")
                }
                let isTime = RuleField.timeFields.contains(condition.field)
                if isTime && kind == .trigger {
                    problems.append("\(name): '\(condition.field)' is a time condition, for automations only")
                }
                if isTime && kind == .automation && group == "any" {
                    problems.append("\(name): time conditions belong in 'all', as in Zendesk")
                }
            }
        }
        if kind == .automation {
            if conditions.all.allSatisfy({ !RuleField.timeFields.contains($0.field) }) {
                problems.append("conditions.all: an automation needs a time condition (such as hours since the end user's last message)")
            }
            if !conditions.all.contains(where: { nullifies(actions, $0) }) {
                problems.append("conditions.all: an automation needs a condition that its own actions make false, so it fires once per ticket (for example 'current_tags not_includes x' with the action 'current_tags x')")
            }
        }
        return problems
    }

    private static func valueProblem(_ action: RuleAction) -> String? {
        let value = text(action.value)
        switch action.field {
        case "status":
            return TicketStatus(rawValue: value.lowercased()) == nil ? "status must be one of \(TicketStatus.allCases.map(\.rawValue).joined(separator: ", "))" : nil
        case "priority":
            return TicketPriority(rawValue: value.lowercased()) == nil && !value.isEmpty ? "priority must be one of low, normal, high, urgent" : nil
        case "type":
            return TicketType(rawValue: value.lowercased()) == nil && !value.isEmpty ? "type must be one of problem, incident, question, task" : nil
        case "assignee_id", "group_id":
            // An id, or empty to clear (and current_user for the assignee); anything else would silently unassign.
            let allowed = value.isEmpty || Int(value) != nil || (action.field == "assignee_id" && value == "current_user")
            return allowed ? nil : "\(action.field) must be an id\(action.field == "assignee_id" ? ", current_user" : "") or empty"
        case "whatsapp_template":
            return action.value["name"]?.stringValue?.isEmpty ?? true ? "whatsapp_template needs {\"name\", \"language\", \"parameters\"}" : nil
        default:
            return nil
        }
    }

    /// True when the actions, once applied, make the condition false (Zendesk's rule that an automation's
    /// action must cancel one of its conditions).
    static func nullifies(_ actions: [RuleAction], _ condition: RuleCondition) -> Bool {
        let facts = RuleContext.TicketFacts(id: 0, ticket: TicketSnapshot(), channel: "api", createdAt: .distantPast, updatedAt: .distantPast)
        // A ticket on which the condition holds for the condition's field…
        var ticket = TicketSnapshot()
        let wanted = text(condition.value)
        switch (condition.field, condition.operator) {
        case ("status", "is"): ticket.status = TicketStatus(rawValue: wanted) ?? .open
        case ("priority", "is"): ticket.priority = TicketPriority(rawValue: wanted)
        case ("priority", "is_not"), ("priority", "less_than"): ticket.priority = nil
        case ("type", "is"): ticket.type = TicketType(rawValue: wanted)
        case ("current_tags", "includes"), ("tags", "includes"): ticket.tags = tagWords(condition.value)
        case ("current_tags", "not_includes"), ("tags", "not_includes"): ticket.tags = []
        case ("status", "is_not"): ticket.status = wanted == "open" ? .pending : .open
        case ("group_id", "is"): ticket.groupID = Int(wanted)
        case ("group_id", "is_not"): ticket.groupID = Int(wanted).map { $0 + 1 } ?? 1
        case ("assignee_id", "is"): ticket.assigneeID = Int(wanted)
        case ("assignee_id", "is_not"): ticket.assigneeID = Int(wanted).map { $0 + 1 } ?? 1
        case (let field, _) where TicketStatus(rawValue: field.lowercased()) != nil && field == field.uppercased():
            // "hours since pending" holds only while the ticket is pending: changing the status cancels it.
            ticket.status = TicketStatus(rawValue: field.lowercased())!
        case ("status", _), ("type", _), ("group_id", _), ("assignee_id", _): break
        default: return false
        }
        var before = facts
        before.ticket = ticket
        // A time condition holds on a ticket old enough (or young enough, for "less than").
        let now: Date = condition.operator == "less_than" ? .distantPast : .distantFuture
        guard holds(condition, in: RuleContext(facts: before, now: now)) else { return false }
        // …no longer holds after the actions.
        var after = before
        after.ticket = snapshot(ticket, after: apply(actions, in: RuleContext(facts: before, now: now)).update)
        return !holds(condition, in: RuleContext(facts: after, now: now))
    }
}

import Foundation
