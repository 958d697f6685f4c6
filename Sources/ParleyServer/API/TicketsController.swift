import Fluent
import ParleyCore
import Vapor

/// `/api/v2/tickets`: Zendesk's ticket endpoints.
struct TicketsController: RouteCollection {
    static let sortFields: [SortField<TicketRow>] = [
        SortField(name: "id", key: "id", kind: .int) { .int($0.id) },
        SortField(name: "created_at", key: "created_at", kind: .date) { .date($0.createdAt.timeIntervalSince1970) },
        SortField(name: "updated_at", key: "updated_at", kind: .date) { .date($0.updatedAt.timeIntervalSince1970) },
        SortField(name: "status", key: "status", kind: .string) { .string($0.status) },
        SortField(name: "subject", key: "subject", kind: .string) { $0.subject.map(CursorValue.string) ?? .null },
    ]

    func boot(routes: RoutesBuilder) throws {
        let tickets = routes.grouped("tickets")
        tickets.get(use: list)
        tickets.post(use: create)
        tickets.get("show_many", use: showMany)
        tickets.get(":ticket_id", use: show)
        tickets.put(":ticket_id", use: update)
        tickets.delete(":ticket_id", use: delete)
        tickets.get(":ticket_id", "comments", use: comments)
        tickets.get(":ticket_id", "audits", use: audits)
        tickets.get(":ticket_id", "audits", ":audit_id", use: audit)
        tickets.get(":ticket_id", "macros", ":macro_id", "apply", use: previewMacro)
    }

    func list(req: Request) async throws -> JSONValue {
        let page = try PageRequest(req, sortable: Self.sortFields.map(\.name))
        let query = TicketModel.query(on: req.db)
        if let status = req.query[String.self, at: "status"] { query.filter(\.$status == status) }
        return try await Self.ticketPages(req, page).list(query, key: "tickets") { try await TicketPresenter(req: req).render($0) }
    }

    /// Pages of tickets read as plain rows.
    static func ticketPages(_ req: Request, _ page: PageRequest) -> Paginator<TicketModel, TicketRow> {
        Paginator(request: req, page: page, sortFields: sortFields, read: { try await $0.ticketRows() }, id: \.id)
    }

    func show(req: Request) async throws -> JSONValue {
        ["ticket": try await TicketPresenter(req: req).render(try await Self.find(req))]
    }

    func showMany(req: Request) async throws -> JSONValue {
        guard let raw = req.query[String.self, at: "ids"] else { throw APIError.badRequest("ids is required") }
        let ids = raw.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard ids.count <= 100 else { throw APIError.badRequest("ids takes at most 100 ids") }
        let tickets = try await TicketModel.query(on: req.db).filter(\.$id ~~ ids).sort(\.$id).ticketRows()
        return ["tickets": .array(try await TicketPresenter(req: req).render(tickets)), "count": .int(tickets.count),
                "next_page": .null, "previous_page": .null]
    }

    func create(req: Request) async throws -> Response {
        let user = try req.currentUser
        var parsed = try TicketRequest(req, creating: true)
        let now = req.parley.clock.now
        if let requester = parsed.requester, parsed.update.requesterID == nil {
            let found = try await UserDirectory(db: req.db, now: now)
                .findOrCreateRequester(name: requester.name, email: requester.email, phone: requester.phone)
            parsed.update.requesterID = found.id
        }
        let update = parsed.update
        let result = try await req.parley.ticketCommits.run { [parley = req.parley] db in
            try await parley.tickets(on: db, now: now).create(update, by: user.actor, via: .api)
        }
        req.logger.info("ticket created", metadata: ["ticket_id": "\(result.ticket.id ?? 0)"])
        Self.announce(result, req: req)
        return try await Self.ticketWithAudit(result, req: req).response(status: .created)
    }

    func update(req: Request) async throws -> JSONValue {
        let user = try req.currentUser
        let id = try Self.ticketID(req)
        var parsed = try TicketRequest(req, creating: false)
        if !parsed.macroIDs.isEmpty {
            let ticket = try await Self.find(req)
            let effects = try await MacroApplier(req: req).effects(of: parsed.macroIDs, on: ticket, by: user)
            MacroApplier.merge(effects, into: &parsed.update)
        }
        let now = req.parley.clock.now
        let update = parsed.update
        // Updates of other tickets share the commit side by side; uploads are claimed by one comment only.
        let keys = Set(["ticket:\(id)"] + (update.comment?.uploadTokens ?? []).map { "upload:" + $0 })
        let result = try await req.parley.ticketCommits.run(keys: keys) { [parley = req.parley] db in
            try await parley.tickets(on: db, now: now).update(ticketID: id, update, by: user.actor, via: .api)
        }
        Self.announce(result, req: req)
        return try await Self.ticketWithAudit(result, req: req)
    }

    func delete(req: Request) async throws -> Response {
        let ticket = try await Self.find(req)
        try await req.db.transaction { db in
            let id = try ticket.requireID()
            try await AttachmentModel.query(on: db).filter(\.$ticketID == id).delete()
            try await CommentModel.query(on: db).filter(\.$ticketID == id).delete()
            try await AuditModel.query(on: db).filter(\.$ticketID == id).delete()
            try await ticket.delete(on: db)
        }
        return Response(status: .noContent)
    }

    func comments(req: Request) async throws -> JSONValue {
        let ticket = try await Self.find(req)
        let page = try PageRequest(req, sortable: ["created_at", "id"], defaultSort: "created_at")
        let sorts: [SortField<CommentModel>] = [
            SortField(name: "created_at", key: "created_at", kind: .date) { .date($0.createdAt.timeIntervalSince1970) },
            SortField(name: "id", key: "id", kind: .int) { .int($0.id ?? 0) },
        ]
        let query = CommentModel.query(on: req.db).filter(\.$ticketID == (try ticket.requireID()))
        return try await Paginator(request: req, page: page, sortFields: sorts).list(query, key: "comments") { comments in
            let files = try await Self.attachments(of: comments, on: req.db)
            return comments.map { $0.json(baseURL: req.baseURL, attachments: files[$0.id ?? 0] ?? []) }
        }
    }

    func audits(req: Request) async throws -> JSONValue {
        let ticket = try await Self.find(req)
        let page = try PageRequest(req, sortable: ["created_at", "id"], defaultSort: "id")
        let sorts: [SortField<AuditModel>] = [
            SortField(name: "id", key: "id", kind: .int) { .int($0.id ?? 0) },
            SortField(name: "created_at", key: "created_at", kind: .date) { .date($0.createdAt.timeIntervalSince1970) },
        ]
        let query = AuditModel.query(on: req.db).filter(\.$ticketID == (try ticket.requireID()))
        return try await Paginator(request: req, page: page, sortFields: sorts).list(query, key: "audits") { audits in
            try await Self.render(audits, req: req)
        }
    }

    func previewMacro(req: Request) async throws -> JSONValue {
        let ticket = try await Self.find(req)
        guard let macroID = req.parameters.get("macro_id", as: Int.self) else { throw APIError.notFound() }
        guard let macro = try await RuleModel.find(macroID, on: req.db), macro.kind == "macro" else { throw APIError.notFound() }
        return try await MacroApplier(req: req).preview(macroID, on: ticket, by: try req.currentUser)
    }

    func audit(req: Request) async throws -> JSONValue {
        let ticket = try await Self.find(req)
        guard let auditID = req.parameters.get("audit_id", as: Int.self),
            let audit = try await AuditModel.find(auditID, on: req.db), audit.ticketID == ticket.id
        else { throw APIError.notFound() }
        return ["audit": try await Self.render([audit], req: req)[0]]
    }

    // MARK: - Helpers shared with other controllers

    static func ticketID(_ req: Request) throws -> Int {
        guard let id = req.parameters.get("ticket_id", as: Int.self) else { throw APIError.notFound() }
        return id
    }

    static func find(_ req: Request) async throws -> TicketModel {
        guard let ticket = try await TicketModel.find(ticketID(req), on: req.db) else { throw APIError.notFound() }
        return ticket
    }

    static func attachments(of comments: [CommentModel], on db: Database) async throws -> [Int: [AttachmentModel]] {
        let ids = comments.compactMap(\.id)
        guard !ids.isEmpty else { return [:] }
        let files = try await AttachmentModel.query(on: db).filter(\.$commentID ~~ ids).sort(\.$id).all()
        return Dictionary(grouping: files, by: { $0.commentID ?? 0 })
    }

    /// `comments`: the audits' comments when the caller holds them already (it just wrote them), and `files` theirs
    /// by comment id, read only when some comment is missing there. A stored audit does not name its comments' ids
    /// (see `TicketService.record`): they are its comments by `audit_id`.
    static func render(
        _ audits: [AuditModel], comments known: [CommentModel]? = nil, files knownFiles: [Int: [AttachmentModel]] = [:],
        req: Request
    ) async throws -> [JSONValue] {
        let auditIDs = audits.compactMap(\.id)
        let comments = if let known { known } else {
            auditIDs.isEmpty ? [] : try await CommentModel.query(on: req.db).filter(\.$ticketID ~~ Array(Set(audits.map(\.ticketID))))
                .filter(\.$auditID ~~ auditIDs).all()
        }
        let byAudit = Dictionary(grouping: comments.sorted { ($0.id ?? 0) < ($1.id ?? 0) }, by: { $0.auditID ?? 0 })
        let files = comments.allSatisfy({ knownFiles[$0.id ?? 0] != nil }) ? knownFiles
            : try await attachments(of: comments, on: req.db)
        return audits.map { $0.json(baseURL: req.baseURL, comments: byAudit[$0.id ?? 0] ?? [], attachments: files) }
    }

    /// Tells connected agents about the change, and wakes the outbox when a reply was queued.
    static func announce(_ result: TicketService.Result, req: Request) {
        guard result.audit != nil else { return }
        if result.queuedDelivery { req.parley.outbox.wake() }
        req.parley.notifications.wake()
        req.parley.live.publish(result.liveEvents())
        req.parley.metrics.countWindowRefusals(in: result)
    }

    static func ticketWithAudit(_ result: TicketService.Result, req: Request) async throws -> JSONValue {
        var body: [String: JSONValue] = ["ticket": try await TicketPresenter(req: req).render(result.ticket)]
        if let audit = result.audit {
            body["audit"] = try await render([audit], comments: result.comments, files: result.files, req: req)[0]
        }
        return .object(body)
    }
}
