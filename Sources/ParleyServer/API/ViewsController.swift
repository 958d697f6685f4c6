import Fluent
import Foundation
import ParleyCore
import Vapor

/// The agent interface's ticket views with counts (`/api/v2/parley/views`) and Zendesk's search
/// (`/api/v2/search?query=`) over subjects, comments and requesters.
struct ViewsController: RouteCollection {
    struct View {
        let id: String
        let title: String
        let filter: @Sendable (QueryBuilder<TicketModel>, UserModel, Date) -> Void
    }

    static let views: [View] = [
        // Open lists what needs an agent: new tickets nobody touched yet and open ones.
        View(id: "open", title: "Open") { query, _, _ in query.filter(\.$status ~~ ["new", "open"]) },
        View(id: "new", title: "New") { query, _, _ in query.filter(\.$status == "new") },
        View(id: "pending", title: "Pending") { query, _, _ in query.filter(\.$status == "pending") },
        View(id: "hold", title: "On-hold") { query, _, _ in query.filter(\.$status == "hold") },
        View(id: "solved", title: "Solved") { query, _, _ in query.filter(\.$status == "solved") },
        View(id: "mine", title: "Assigned to me") { query, user, _ in
            query.filter(\.$assigneeID == user.id).filter(\.$status ~~ ["new", "open", "pending", "hold"])
        },
        View(id: "unassigned", title: "Unassigned") { query, _, _ in
            query.filter(\.$assigneeID == nil).filter(\.$status ~~ ["new", "open", "pending", "hold"])
        },
        // The window closes 24 h after the end user's last message: "closing soon" is the last 2 hours of it.
        View(id: "whatsapp_closing", title: "WhatsApp window closing soon") { query, _, now in
            query.filter(\.$whatsappIntegrationID != nil).filter(\.$status ~~ ["new", "open", "pending", "hold"])
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
            result.append(["id": .string(view.id), "title": .string(view.title), "count": .int(try await query.count())])
        }
        return ["views": .array(result)]
    }

    func tickets(req: Request) async throws -> JSONValue {
        guard let view = Self.views.first(where: { $0.id == req.parameters.get("view_id") }) else { throw APIError.notFound() }
        let page = try PageRequest(req, sortable: TicketsController.sortFields.map(\.name), defaultSort: "updated_at",
                                   defaultDescending: true)
        let query = TicketModel.query(on: req.db)
        view.filter(query, try req.currentUser, req.parley.clock.now)
        return try await Paginator(request: req, page: page, sortFields: TicketsController.sortFields)
            .list(query, key: "tickets") { try await TicketPresenter(req: req).render($0) }
    }

    /// Zendesk's search answer: `{"results": [{…ticket, "result_type": "ticket"}], "count": n}`.
    func search(req: Request) async throws -> JSONValue {
        let raw = req.query[String.self, at: "query"] ?? ""
        let words = raw.split(separator: " ").filter { !$0.contains(":") }.joined(separator: " ")
            .trimmingCharacters(in: .whitespaces)
        guard !words.isEmpty else { throw APIError.badRequest("query is required") }
        let fromComments = try await CommentModel.query(on: req.db).filter(\.$body, containsIgnoringCase: words)
            .field(\.$ticketID).limit(200).all().map(\.ticketID)
        let requesters = try await UserModel.query(on: req.db).group(.or) { either in
            either.filter(\.$name, containsIgnoringCase: words)
            if words.contains("@") { either.filter(\.$email == words.lowercased()) }
        }.field(\.$id).limit(200).all().compactMap(\.id)
        let tickets = try await TicketModel.query(on: req.db).group(.or) { either in
            either.filter(\.$subject, containsIgnoringCase: words)
            either.filter(\.$id ~~ fromComments)
            either.filter(\.$requesterID ~~ requesters)
            if let id = Int(words) { either.filter(\.$id == id) }
        }.sort(\.$updatedAt, .descending).limit(100).all()
        let rendered = try await TicketPresenter(req: req).render(tickets).map { ticket -> JSONValue in
            var object = ticket.objectValue ?? [:]
            object["result_type"] = "ticket"
            return .object(object)
        }
        return ["results": .array(rendered), "count": .int(rendered.count), "next_page": .null, "previous_page": .null, "facets": .null]
    }
}
