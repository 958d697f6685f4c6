import Foundation

/// Zendesk's ticket rules as pure functions: what a create or an update does to a ticket, which events
/// it writes to the event log, and which changes are refused.
public enum TicketWorkflow {
    public struct Outcome: Sendable, Equatable {
        public var ticket: TicketSnapshot
        public var events: [AuditEvent]
    }

    public static func create(_ request: TicketUpdate, by actor: Actor, now: Date) throws(TicketValidationError)
        -> Outcome
    {
        var errors: [String: [String]] = [:]
        let comment = request.comment
        if comment == nil || (comment!.body.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
            && comment!.uploadTokens.isEmpty)
        {
            errors["description", default: []].append("Description: cannot be blank")
        }
        let requester = request.requesterID ?? actor.userID
        if requester == nil { errors["requester", default: []].append("Requester: cannot be blank") }
        if request.status == .closed && !actor.mayClose {
            errors["status", default: []].append("Status: only agents can close a ticket")
        }

        var ticket = TicketSnapshot()
        ticket.description = comment?.body
        let subject = request.subject?.trimmingCharacters(in: .whitespacesAndNewlines)
        ticket.subject = (subject?.isEmpty == false) ? subject : comment.map { SubjectLine.from($0.body) }
        ticket.priority = request.priority ?? nil
        ticket.type = request.type ?? nil
        ticket.tags = TagList.normalize((request.tags ?? []) + request.additionalTags)
        ticket.tags = TagList.removing(request.removeTags, from: ticket.tags)
        ticket.requesterID = requester
        ticket.submitterID = request.submitterID ?? actor.userID ?? requester
        ticket.assigneeID = request.assigneeID ?? nil
        ticket.groupID = request.groupID ?? nil
        ticket.externalID = request.externalID ?? nil
        ticket.status = request.status ?? (ticket.assigneeID == nil ? .new : .open)
        assignSolver(&ticket, actor: actor, errors: &errors)
        if ticket.status == .solved || ticket.status == .closed { ticket.solvedAt = now }
        guard errors.isEmpty else { throw TicketValidationError(details: errors) }

        var events: [AuditEvent] = []
        if let subject = ticket.subject { events.append(.create("subject", .string(subject))) }
        events.append(.create("status", .string(ticket.status.rawValue)))
        if let priority = ticket.priority { events.append(.create("priority", .string(priority.rawValue))) }
        if let type = ticket.type { events.append(.create("type", .string(type.rawValue))) }
        events.append(.create("requester_id", JSONValue(ticket.requesterID)))
        if let assignee = ticket.assigneeID { events.append(.create("assignee_id", .int(assignee))) }
        if let group = ticket.groupID { events.append(.create("group_id", .int(group))) }
        if !ticket.tags.isEmpty { events.append(.create("tags", JSONValue(ticket.tags))) }
        if let comment { events.append(.comment(isPublic: comment.isPublic)) }
        return Outcome(ticket: ticket, events: events)
    }

    public static func update(_ current: TicketSnapshot, with request: TicketUpdate, by actor: Actor, now: Date)
        throws(TicketValidationError) -> Outcome
    {
        if request.isEmpty { return Outcome(ticket: current, events: []) }
        if current.status == .closed {
            throw TicketValidationError("status", "Status: closed prevents ticket update")
        }
        var errors: [String: [String]] = [:]
        if request.status == .new && current.status != .new {
            errors["status", default: []].append("Status: a ticket cannot go back to new")
        }
        if request.status == .closed && !actor.mayClose {
            errors["status", default: []].append("Status: only agents can close a ticket")
        }
        if let comment = request.comment,
            comment.body.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, comment.uploadTokens.isEmpty
        {
            errors["comment", default: []].append("Comment: body cannot be blank")
        }

        var ticket = current
        if let subject = request.subject { ticket.subject = subject }
        if let priority = request.priority { ticket.priority = priority }
        if let type = request.type { ticket.type = type }
        if let tags = request.tags { ticket.tags = TagList.normalize(tags) }
        ticket.tags = TagList.removing(request.removeTags, from: TagList.adding(request.additionalTags, to: ticket.tags))
        if let requester = request.requesterID { ticket.requesterID = requester }
        if let assignee = request.assigneeID { ticket.assigneeID = assignee }
        if let group = request.groupID { ticket.groupID = group }
        if let external = request.externalID { ticket.externalID = external }
        if let status = request.status {
            ticket.status = status
        } else if current.status == .new && actor.isStaff {
            // Zendesk opens a new ticket as soon as an agent works on it.
            ticket.status = .open
        }
        assignSolver(&ticket, actor: actor, errors: &errors)
        guard errors.isEmpty else { throw TicketValidationError(details: errors) }

        let isDone = { (status: TicketStatus) in status == .solved || status == .closed }
        if isDone(ticket.status) && !isDone(current.status) { ticket.solvedAt = now }
        if !isDone(ticket.status) { ticket.solvedAt = nil }

        var events = changes(from: current, to: ticket)
        if let comment = request.comment { events.append(.comment(isPublic: comment.isPublic)) }
        return Outcome(ticket: ticket, events: events)
    }

    /// The `Change` events between two versions of a ticket, in Zendesk's field names.
    public static func changes(from old: TicketSnapshot, to new: TicketSnapshot) -> [AuditEvent] {
        var events: [AuditEvent] = []
        func record(_ field: String, _ before: JSONValue, _ after: JSONValue) {
            if before != after { events.append(.change(field, from: before, to: after)) }
        }
        record("subject", JSONValue(old.subject), JSONValue(new.subject))
        record("status", .string(old.status.rawValue), .string(new.status.rawValue))
        record("priority", JSONValue(old.priority?.rawValue), JSONValue(new.priority?.rawValue))
        record("type", JSONValue(old.type?.rawValue), JSONValue(new.type?.rawValue))
        record("requester_id", JSONValue(old.requesterID), JSONValue(new.requesterID))
        record("assignee_id", JSONValue(old.assigneeID), JSONValue(new.assigneeID))
        record("group_id", JSONValue(old.groupID), JSONValue(new.groupID))
        record("external_id", JSONValue(old.externalID), JSONValue(new.externalID))
        record("tags", JSONValue(old.tags), JSONValue(new.tags))
        return events
    }

    /// Zendesk does not let a ticket be solved without an assignee; an agent who solves it takes it.
    private static func assignSolver(_ ticket: inout TicketSnapshot, actor: Actor, errors: inout [String: [String]]) {
        guard ticket.status == .solved || ticket.status == .closed, ticket.assigneeID == nil else { return }
        if actor.isStaff, let agent = actor.userID {
            ticket.assigneeID = agent
        } else {
            errors["assignee", default: []].append("Assignee: is required when solving a ticket")
        }
    }
}
