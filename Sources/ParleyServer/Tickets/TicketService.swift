import Fluent
import Foundation
import ParleyCore

/// Creates and updates tickets in one transaction each: the ticket, its comment, the claimed uploads and
/// the audit that records every change (the event log).
struct TicketService {
    let db: Database
    let now: Date

    struct Result {
        let ticket: TicketModel
        let audit: AuditModel?
        let comment: CommentModel?
    }

    /// `prepare` sets what only the caller knows (a channel's integration, a follow-up link…) before the save;
    /// `extraEvents` join the audit (a redaction, a channel event).
    func create(
        _ request: TicketUpdate, by actor: Actor, via: Channel, viaSource: JSONValue? = nil,
        extraEvents: [AuditEvent] = [], prepare: @escaping @Sendable (TicketModel) -> Void = { _ in }
    ) async throws -> Result {
        try await db.transaction { db in
            let service = TicketService(db: db, now: now)
            try await service.checkReferences(request)
            let outcome = try TicketWorkflow.create(request, by: actor, now: now)
            let ticket = TicketModel()
            ticket.apply(outcome.ticket)
            ticket.viaChannel = via.rawValue
            ticket.viaSource = viaSource?.encodedString()
            ticket.createdAt = now
            ticket.updatedAt = now
            prepare(ticket)
            try await ticket.create(on: db)
            return try await service.record(
                outcome.events + extraEvents, comment: request.comment, on: ticket, by: actor, via: via)
        }
    }

    func update(
        ticketID: Int, _ request: TicketUpdate, by actor: Actor, via: Channel, extraEvents: [AuditEvent] = [],
        prepare: @escaping @Sendable (TicketModel) -> Void = { _ in }
    ) async throws -> Result {
        try await db.transaction { db in
            let service = TicketService(db: db, now: now)
            guard let ticket = try await TicketModel.find(ticketID, on: db) else { throw APIError.notFound() }
            try await service.checkReferences(request)
            let outcome = try TicketWorkflow.update(ticket.snapshot, with: request, by: actor, now: now)
            let events = outcome.events + extraEvents
            guard !events.isEmpty else { return Result(ticket: ticket, audit: nil, comment: nil) }
            ticket.apply(outcome.ticket)
            ticket.updatedAt = now
            prepare(ticket)
            try await ticket.save(on: db)
            return try await service.record(events, comment: request.comment, on: ticket, by: actor, via: via)
        }
    }

    /// Writes the audit, and the comment it announces, with the comment's id inside its event.
    private func record(
        _ events: [AuditEvent], comment newComment: NewComment?, on ticket: TicketModel, by actor: Actor, via: Channel
    ) async throws -> Result {
        let ticketID = try ticket.requireID()
        let audit = AuditModel(ticketID: ticketID, authorID: actor.userID, via: via, events: events, now: now)
        try await audit.create(on: db)
        var comment: CommentModel?
        if let newComment {
            let stored = CommentModel()
            stored.ticketID = ticketID
            stored.auditID = audit.id
            stored.authorID = newComment.authorID ?? actor.userID
            stored.body = newComment.body
            stored.htmlBody = newComment.htmlBody
            stored.isPublic = newComment.isPublic
            stored.viaChannel = via.rawValue
            stored.createdAt = newComment.sentAt ?? now
            stored.externalMessageID = newComment.channelMessageID
            stored.metadata = newComment.metadata?.encodedString()
            try await stored.create(on: db)
            try await claimUploads(newComment.uploadTokens, comment: stored)
            var events = events
            if ticket.whatsappIntegrationID != nil, newComment.isPublic, via != .whatsapp {
                let files = try await AttachmentModel.query(on: db).filter(\.$commentID == stored.id).sort(\.$id).all()
                events += try await OutboundPlanner(db: db, now: now).plan(comment: stored, ticket: ticket, files: files)
            }
            audit.events = events.map { event in
                guard event.type == .comment else { return event }
                var filled = event
                filled.data["comment_id"] = .int(stored.id ?? 0)
                return filled
            }
            try await audit.save(on: db)
            comment = stored
        }
        return Result(ticket: ticket, audit: audit, comment: comment)
    }

    private func claimUploads(_ tokens: [String], comment: CommentModel) async throws {
        guard !tokens.isEmpty else { return }
        let files = try await AttachmentModel.query(on: db)
            .filter(\.$uploadToken ~~ tokens).filter(\.$commentID == nil).all()
        let found = Set(files.compactMap(\.uploadToken))
        let missing = tokens.filter { !found.contains($0) }
        guard missing.isEmpty else {
            throw APIError.invalid("comment.uploads", "Uploads: unknown or already used token \(missing.joined(separator: ", "))")
        }
        for file in files {
            file.commentID = comment.id
            file.ticketID = comment.ticketID
            file.uploadToken = nil
            try await file.save(on: db)
        }
    }

    /// Ids in the request must name existing records; assignees must be agents or admins.
    private func checkReferences(_ request: TicketUpdate) async throws {
        var errors: [String: [String]] = [:]
        if let requester = request.requesterID, try await UserModel.find(requester, on: db) == nil {
            errors["requester_id", default: []].append("Requester: no user with id \(requester)")
        }
        if let author = request.comment?.authorID, try await UserModel.find(author, on: db) == nil {
            errors["comment.author_id", default: []].append("Comment author: no user with id \(author)")
        }
        if let submitter = request.submitterID, try await UserModel.find(submitter, on: db) == nil {
            errors["submitter_id", default: []].append("Submitter: no user with id \(submitter)")
        }
        if case .some(.some(let assignee)) = request.assigneeID {
            let user = try await UserModel.find(assignee, on: db)
            if user == nil || user?.userRole.isStaff != true {
                errors["assignee_id", default: []].append("Assignee: \(assignee) is not an agent")
            }
        }
        if case .some(.some(let group)) = request.groupID {
            let found = try await GroupModel.find(group, on: db)
            if found == nil || found?.deleted == true {
                errors["group_id", default: []].append("Group: no group with id \(group)")
            }
        }
        if !errors.isEmpty { throw APIError.invalid(errors) }
    }
}
