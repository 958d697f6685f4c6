import Fluent
import Foundation
import ParleyCore
import Vapor

/// The agent interface's ticket views with counts (`/api/v2/parley/views`) and Zendesk's search
/// (`/api/v2/search?query=`): whole words (a trailing `*` for words starting so) in subjects, comments and
/// requesters' names, a requester's email, or a ticket number.
struct ViewsController: RouteCollection {
    struct View {
        let id: String
        let title: String
        /// The view's tickets, when the database keeps their count (see `TicketCounts`); nil counts the tickets.
        var counted: (@Sendable (UserModel) -> TicketCounts)? = nil
        let filter: @Sendable (QueryBuilder<TicketModel>, UserModel, Date) -> Void

        /// A view of the tickets the database counts: its filter is the count's, so the two cannot disagree.
        init(id: String, title: String, counted: @escaping @Sendable (UserModel) -> TicketCounts) {
            self.id = id
            self.title = title
            self.counted = counted
            filter = { query, user, _ in counted(user).filter(query) }
        }

        init(id: String, title: String, filter: @escaping @Sendable (QueryBuilder<TicketModel>, UserModel, Date) -> Void) {
            self.id = id
            self.title = title
            self.filter = filter
        }

        func count(_ query: QueryBuilder<TicketModel>, user: UserModel, on db: Database) async throws -> Int {
            if let counted { return try await counted(user).count(on: db) }
            return try await query.copy().count()
        }
    }

    static let unsolved = ["new", "open", "pending", "hold"]

    static let views: [View] = [
        // Open lists what needs an agent: new tickets nobody touched yet and open ones.
        View(id: "open", title: "Open") { _ in TicketCounts(statuses: ["new", "open"], assignee: .anyone) },
        View(id: "new", title: "New") { _ in TicketCounts(statuses: ["new"], assignee: .anyone) },
        View(id: "pending", title: "Pending") { _ in TicketCounts(statuses: ["pending"], assignee: .anyone) },
        View(id: "hold", title: "On-hold") { _ in TicketCounts(statuses: ["hold"], assignee: .anyone) },
        View(id: "solved", title: "Solved") { _ in TicketCounts(statuses: ["solved"], assignee: .anyone) },
        View(id: "mine", title: "Assigned to me") { user in TicketCounts(statuses: unsolved, assignee: .user(user.id ?? 0)) },
        View(id: "unassigned", title: "Unassigned") { _ in TicketCounts(statuses: unsolved, assignee: .nobody) },
        // The window closes 24 h after the end user's last message: "closing soon" is the last 2 hours of it.
        View(id: "whatsapp_closing", title: "WhatsApp window closing soon") { query, _, now in
            // "Not solved or closed" rather than the four open statuses: an index cannot serve it, so the database takes the
            // narrow band of last-message times from its index instead of every unsolved ticket.
            query.filter(\.$whatsappIntegrationID != nil).filter(\.$status !~ ["solved", "closed"])
                .filter(\.$lastEndUserMessageAt > now.addingTimeInterval(-ReplyWindow.length))
                .filter(\.$lastEndUserMessageAt <= now.addingTimeInterval(-ReplyWindow.length + 2 * 3600))
        },
    ]

    func boot(routes: RoutesBuilder) throws {
        routes.get("parley", "views", use: list)
        routes.get("parley", "views", ":view_id", "tickets", use: tickets)
        routes.get("search", use: search)
    }

    func list(req: Request) async throws -> JSONValue {
        let user = try req.currentUser
        let now = req.parley.clock.now
        var result: [JSONValue] = []
        for view in Self.views {
            let query = TicketModel.query(on: req.db)
            view.filter(query, user, now)
            result.append(["id": .string(view.id), "title": .string(view.title),
                           "count": .int(try await view.count(query, user: user, on: req.db))])
        }
        return ["views": .array(result)]
    }

    func tickets(req: Request) async throws -> JSONValue {
        guard let view = Self.views.first(where: { $0.id == req.parameters.get("view_id") }) else { throw APIError.notFound() }
        let page = try PageRequest(req, sortable: TicketsController.sortFields.map(\.name), defaultSort: "updated_at",
                                   defaultDescending: true)
        let user = try req.currentUser
        let query = TicketModel.query(on: req.db)
        view.filter(query, user, req.parley.clock.now)
        return try await TicketsController.ticketPages(req, page)
            .list(query, key: "tickets", count: { try await view.count(query, user: user, on: req.db) }) {
                try await TicketPresenter(req: req).render($0)
            }
    }

    /// Zendesk's search answer: `{"results": [{…ticket, "result_type": "ticket"}], "count": n}`, newest first, in
    /// pages of `per_page` (100 unless asked; the agent interface asks for 25) with `next_page` links.
    func search(req: Request) async throws -> JSONValue {
        let raw = req.query[String.self, at: "query"] ?? ""
        let words = raw.split(separator: " ").filter { !$0.contains(":") }.joined(separator: " ")
            .trimmingCharacters(in: .whitespaces)
        guard !words.isEmpty else { throw APIError.badRequest("query is required") }
        let page = try PageRequest(req, sortable: ["updated_at", "created_at", "id"], defaultSort: "updated_at", defaultDescending: true)
        guard case .offset(let number, let perPage) = page.mode else {
            throw APIError.badRequest("search pages by page and per_page, not by cursor")
        }
        let found = try await TicketSearch(req.db).page(words, terms: SearchTerms(words), sortedBy: page.sortName,
                                                        descending: page.descending, offset: (number - 1) * perPage, limit: perPage)
        let rows = found.ids.isEmpty ? [] : try await TicketModel.query(on: req.db).filter(\.$id ~~ found.ids).ticketRows()
        let position = Dictionary(uniqueKeysWithValues: found.ids.enumerated().map { ($1, $0) })
        let tickets = rows.sorted { position[$0.id, default: 0] < position[$1.id, default: 0] }
        let rendered = try await TicketPresenter(req: req).render(tickets).map { ticket -> JSONValue in
            var object = ticket.objectValue ?? [:]
            object["result_type"] = "ticket"
            return .object(object)
        }
        var envelope = req.offsetPage(number, perPage: perPage, count: found.count)
        envelope["results"] = .array(rendered)
        envelope["facets"] = .null
        return .object(envelope)
    }
}
