import Fluent
import Foundation
import ParleyCore
import SQLKit

/// Creates and updates tickets in one transaction each: the ticket, its comment, the claimed uploads and
/// the audit that records every change (the event log).
struct TicketService {
    let db: Database
    let now: Date
    /// Rules' own updates run triggers too; turning them off is for seeding and tests of raw storage.
    var runTriggers = true
    /// Where the active triggers are kept between updates (none: read them each time).
    var triggers: ActiveTriggersCache?
    /// Where the connected numbers are kept (none: a reply reads its number each time).
    var integrations: KnownIntegrations?

    struct Result: Sendable {
        let ticket: TicketModel
        let audit: AuditModel?
        /// The update's own comment.
        let comment: CommentModel?
        /// Every comment the update added (its own, then those of rules that fired).
        var comments: [CommentModel] = []
        /// The files of the comments this update wrote itself, by comment id (none: an empty list), so the answer
        /// is rendered without reading them back.
        var files: [Int: [AttachmentModel]] = [:]
    }

    /// `prepare` sets what only the caller knows (a channel's integration, a follow-up link…) before the save;
    /// `extraEvents` join the audit (a redaction, a channel event).
    func create(
        _ request: TicketUpdate, by actor: Actor, via: Channel, viaSource: JSONValue? = nil,
        extraEvents: [AuditEvent] = [], prepare: @escaping @Sendable (TicketModel) -> Void = { _ in }
    ) async throws -> Result {
        try await db.transaction { db in
            let service = inside(db)
            try await service.checkReferences(request, actor: actor)
            let outcome = try TicketWorkflow.create(request, by: actor, now: now)
            let ticket = TicketModel()
            ticket.apply(outcome.ticket)
            ticket.viaChannel = via.rawValue
            ticket.viaSource = viaSource?.encodedString()
            ticket.createdAt = now
            ticket.updatedAt = now
            ticket.statusChangedAt = now
            if ticket.assigneeID != nil { ticket.assignedAt = now }
            // Set before the insert, so that `finish` has nothing left to update for it.
            markRequesterReply(request.comment, by: actor, on: ticket)
            prepare(ticket)
            try await ticket.createDirectly(on: db)
            return try await service.finish(
                ticket, previous: outcome.ticket, updateType: .create, events: outcome.events + extraEvents,
                comment: request.comment, by: actor, via: via)
        }
    }

    func update(
        ticketID: Int, _ request: TicketUpdate, by actor: Actor, via: Channel, extraEvents: [AuditEvent] = [],
        prepare: @escaping @Sendable (TicketModel) -> Void = { _ in }
    ) async throws -> Result {
        try await db.transaction { db in
            guard let ticket = try await TicketModel.findDirectly(ticketID, on: db) else { throw APIError.notFound() }
            return try await inside(db)
                .update(ticket, request, by: actor, via: via, extraEvents: extraEvents, prepare: prepare)
        }
    }

    /// The same, for a ticket the caller has just read (in its own transaction): saves reading it twice.
    func update(
        _ ticket: TicketModel, _ request: TicketUpdate, by actor: Actor, via: Channel, extraEvents: [AuditEvent] = [],
        prepare: @escaping @Sendable (TicketModel) -> Void = { _ in }
    ) async throws -> Result {
        try await db.transaction { db in
            let service = inside(db)
            try await service.checkReferences(request, actor: actor)
            let before = ticket.snapshot
            let outcome = try TicketWorkflow.update(before, with: request, by: actor, now: now)
            let events = outcome.events + extraEvents
            guard !events.isEmpty else { return Result(ticket: ticket, audit: nil, comment: nil) }
            ticket.apply(outcome.ticket)
            ticket.updatedAt = now
            service.stampTimes(ticket, before: before)
            prepare(ticket)
            // Saved once, by `finish`, with whatever the triggers changed too.
            return try await service.finish(
                ticket, previous: before, updateType: .change, events: events, comment: request.comment, by: actor, via: via)
        }
    }

    /// The same service on the transaction `db`.
    private func inside(_ db: any Database) -> TicketService {
        TicketService(db: db, now: now, runTriggers: runTriggers, triggers: triggers, integrations: integrations)
    }

    /// A fired automation's effects, recorded like any update (and triggers run on it too).
    func applyRule(_ effects: RuleEffects, ticketID: Int, rule: (kind: String, id: Int, title: String)) async throws -> Result {
        try await db.transaction { db in
            let service = inside(db)
            guard let ticket = try await TicketModel.findDirectly(ticketID, on: db) else { throw APIError.notFound() }
            let before = ticket.snapshot
            let (events, comments) = try await RuleApplier(db: db, now: now).apply(effects, to: ticket, rule: rule)
            return try await service.finish(ticket, previous: before, updateType: .change, events: events, comment: nil,
                                            ruleComments: comments, by: .system, via: .rule)
        }
    }

    /// A comment by the requester stamps when they last wrote (an automation time condition). Only when it
    /// changes: an assignment, even of the same value, costs an UPDATE.
    private func markRequesterReply(_ comment: NewComment?, by actor: Actor, on ticket: TicketModel) {
        guard let comment, comment.authorID ?? actor.userID == ticket.requesterID else { return }
        ticket.$requesterUpdatedAt.change(to: now)
    }

    /// Automation time conditions measure from these moments.
    private func stampTimes(_ ticket: TicketModel, before: TicketSnapshot) {
        if ticket.status != before.status.rawValue { ticket.statusChangedAt = now }
        if ticket.assigneeID != before.assigneeID && ticket.assigneeID != nil { ticket.assignedAt = now }
    }

    /// Runs the trigger cycle on the saved ticket, then writes one audit for the update and everything the
    /// triggers did, with every comment.
    private func finish(
        _ ticket: TicketModel, previous: TicketSnapshot, updateType: RuleContext.UpdateType, events: [AuditEvent],
        comment: NewComment?, ruleComments: [NewComment] = [], by actor: Actor, via: Channel
    ) async throws -> Result {
        var events = events
        var comments: [(NewComment, authorID: Int?, via: Channel)] = []
        if let comment {
            comments.append((comment, comment.authorID ?? actor.userID, via))
            markRequesterReply(comment, by: actor, on: ticket)
        }
        comments += ruleComments.map { (comment: NewComment) -> (NewComment, authorID: Int?, via: Channel) in (comment, nil, Channel.rule) }
        if runTriggers {
            let loader = RuleFactsLoader(db: db)
            let triggers = try await loader.activeTriggers(cache: triggers)
            if !triggers.isEmpty {
                try await ticket.saveDirectly(on: db)  // what the rules' actions read is the ticket as updated
                var actorName: String?
                if let userID = actor.userID { actorName = try await UserModel.find(userID, on: db)?.name }
                let context = RuleContext(
                    facts: try await loader.facts(for: ticket, incoming: comment.map { ($0, $0.authorID ?? actor.userID) }),
                    previous: previous, updateType: updateType, comment: comment,
                    currentUserID: actor.userID, currentUserName: actorName, currentUserIsStaff: actor.isStaff, now: now)
                let firings = TriggerCycle.run(triggers, context: context)
                for firing in firings {
                    let (ruleEvents, ruleComments) = try await RuleApplier(db: db, now: now)
                        .apply(firing.effects, to: ticket, rule: (kind: "trigger", id: firing.triggerID, title: firing.title))
                    events += ruleEvents
                    comments += ruleComments.map { (comment: NewComment) -> (NewComment, authorID: Int?, via: Channel) in
                        (comment, nil, Channel.rule)
                    }
                }
            }
        }
        try await ticket.saveDirectly(on: db)
        return try await record(events, comments: comments, on: ticket, by: actor, via: via)
    }

    /// Writes the audit and the comments it announces (the returned audit names each comment's id in its event).
    private func record(
        _ events: [AuditEvent], comments: [(NewComment, authorID: Int?, via: Channel)], on ticket: TicketModel, by actor: Actor,
        via: Channel
    ) async throws -> Result {
        let ticketID = try ticket.requireID()
        let audit = AuditModel(ticketID: ticketID, authorID: actor.userID, via: via, events: events, now: now)
        try await audit.createDirectly(on: db)
        var stored: [CommentModel] = []
        var filesByComment: [Int: [AttachmentModel]] = [:]
        var events = events
        let written = events.count
        for (newComment, authorID, commentVia) in comments {
            let comment = CommentModel()
            comment.ticketID = ticketID
            comment.auditID = audit.id
            comment.authorID = authorID
            comment.body = newComment.body
            comment.htmlBody = newComment.htmlBody
            comment.isPublic = newComment.isPublic
            comment.viaChannel = commentVia.rawValue
            comment.createdAt = newComment.sentAt ?? now
            comment.externalMessageID = newComment.channelMessageID
            comment.metadata = newComment.metadata?.encodedString()
            // Public replies on a WhatsApp ticket go out to the end user (never what the end user sent us).
            let outgoing = ticket.whatsappIntegrationID != nil && newComment.isPublic && newComment.channelMessageID == nil
                && (authorID == nil || authorID != ticket.requesterID)
            let planner = OutboundPlanner(db: db, now: now, integrations: integrations)
            if outgoing { planner.prepare(comment, ticket: ticket) }
            try await comment.createDirectly(on: db)
            let files = try await claimUploads(newComment.uploadTokens, comment: comment)
            if outgoing { events += try await planner.plan(comment: comment, ticket: ticket, files: files) }
            stored.append(comment)
            filesByComment[try comment.requireID()] = files
        }
        var commentIndex = 0
        audit.events = events.map { event in
            guard event.type == .comment, commentIndex < stored.count else { return event }
            var filled = event
            filled.data["comment_id"] = .int(stored[commentIndex].id ?? 0)
            commentIndex += 1
            return filled
        }
        // The stored audit is rewritten only for what was planned after it (a reply's delivery): a comment's id needs
        // no write, the audits' reader finds it by the comment's audit_id. An UPDATE less for each message received.
        if events.count != written { try await audit.saveDirectly(on: db) }
        return Result(ticket: ticket, audit: audit, comment: comments.isEmpty ? nil : stored.first, comments: stored,
                      files: filesByComment)
    }

    /// Attaches the uploads to the new comment; returns them, the comment's only files, in upload order.
    private func claimUploads(_ tokens: [String], comment: CommentModel) async throws -> [AttachmentModel] {
        guard !tokens.isEmpty else { return [] }
        let files = try await AttachmentModel.query(on: db)
            .filter(\.$uploadToken ~~ tokens).filter(\.$commentID == nil).sort(\.$id).all()
        let found = Set(files.compactMap(\.uploadToken))
        let refused = { (tokens: [String]) in
            APIError.invalid("comment.uploads", "Uploads: unknown or already used token \(tokens.joined(separator: ", "))")
        }
        let missing = tokens.filter { !found.contains($0) }
        guard missing.isEmpty else { throw refused(missing) }
        // Taken only while still free: of two replies claiming one upload at once (PostgreSQL runs them side by side),
        // the second waits for the first's row lock, then finds it taken and is refused.
        let claimed = try await db.requireSQL().update(AttachmentModel.schema)
            .set("comment_id", to: SQLBind(comment.id)).set("ticket_id", to: SQLBind(comment.ticketID))
            .set("upload_token", to: SQLLiteral.null)
            .where("id", .in, SQLBind.group(files.compactMap(\.id))).where("comment_id", .is, SQLLiteral.null)
            .returning("id").all(decodingColumn: "id", as: Int.self)
        let taken = files.filter { !claimed.contains($0.id ?? 0) }.compactMap(\.uploadToken)
        guard taken.isEmpty else { throw refused(taken) }
        for file in files {
            file.commentID = comment.id
            file.ticketID = comment.ticketID
            file.uploadToken = nil
        }
        return files
    }

    /// Ids in the request must name existing records (the acting user exists: an end user writing in is the
    /// requester of the ticket their message opens); assignees must be agents or admins.
    private func checkReferences(_ request: TicketUpdate, actor: Actor) async throws {
        var errors: [String: [String]] = [:]
        if let requester = request.requesterID, requester != actor.userID, try await UserModel.find(requester, on: db) == nil {
            errors["requester_id", default: []].append("Requester: no user with id \(requester)")
        }
        if let author = request.comment?.authorID, author != actor.userID, try await UserModel.find(author, on: db) == nil {
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
