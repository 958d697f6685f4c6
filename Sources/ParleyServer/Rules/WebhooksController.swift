import Fluent
import ParleyCore
import Vapor

/// `/api/v2/webhooks` (admins): where `notification_webhook` actions post, as in Zendesk.
struct WebhooksController: RouteCollection {
    static let knownFields: Set<String> = [
        "id", "name", "endpoint", "http_method", "status", "request_format", "subscriptions", "description", "created_at",
        "updated_at", "authentication", "signing_secret", "custom_headers",
    ]

    func boot(routes: RoutesBuilder) throws {
        let webhooks = routes.grouped("webhooks").grouped(RequireAdmin())
        webhooks.get(use: list)
        webhooks.post(use: create)
        webhooks.get(":webhook_id", use: show)
        webhooks.put(":webhook_id", use: update)
        webhooks.patch(":webhook_id", use: update)
        webhooks.delete(":webhook_id", use: delete)
    }

    func list(req: Request) async throws -> JSONValue {
        let all = try await WebhookTargetModel.query(on: req.db).sort(\.$id).all()
        return ["webhooks": .array(all.map(\.json)), "meta": ["has_more": false, "after_cursor": .null, "before_cursor": .null],
                "links": ["next": .null, "prev": .null]]
    }

    func show(req: Request) async throws -> JSONValue { ["webhook": try await find(req).json] }

    func create(req: Request) async throws -> Response {
        let webhook = WebhookTargetModel()
        webhook.createdAt = req.parley.clock.now
        webhook.httpMethod = "POST"
        webhook.status = "active"
        try read(req, into: webhook, creating: true)
        webhook.updatedAt = webhook.createdAt
        try await webhook.create(on: req.db)
        return JSONValue.object(["webhook": webhook.json]).response(status: .created)
    }

    func update(req: Request) async throws -> JSONValue {
        let webhook = try await find(req)
        try read(req, into: webhook, creating: false)
        webhook.updatedAt = req.parley.clock.now
        try await webhook.save(on: req.db)
        return ["webhook": webhook.json]
    }

    func delete(req: Request) async throws -> Response {
        try await find(req).delete(on: req.db)
        return Response(status: .noContent)
    }

    private func read(_ req: Request, into webhook: WebhookTargetModel, creating: Bool) throws {
        var body = try RequestBody(req, root: "webhook", known: Self.knownFields)
        let name = body.string("name")
        let endpoint = body.string("endpoint")
        let method = body.string("http_method")?.uppercased()
        let status = body.string("status")
        if creating && (name?.isEmpty ?? true) { body.fail("name", "is required") }
        if creating && endpoint == nil { body.fail("endpoint", "is required") }
        if let endpoint, !(endpoint.hasPrefix("http://") || endpoint.hasPrefix("https://")) || URL(string: endpoint)?.host == nil {
            body.fail("endpoint", "must be an http or https URL")
        }
        if let method, !["POST", "PUT", "PATCH", "GET", "DELETE"].contains(method) { body.fail("http_method", "must be POST, PUT, PATCH, GET or DELETE") }
        if let status, !["active", "inactive"].contains(status) { body.fail("status", "must be active or inactive") }
        try body.validate()
        if let name { webhook.name = name }
        if let endpoint { webhook.endpoint = endpoint }
        if let method { webhook.httpMethod = method }
        if let status { webhook.status = status }
    }

    private func find(_ req: Request) async throws -> WebhookTargetModel {
        guard let id = req.parameters.get("webhook_id", as: Int.self), let webhook = try await WebhookTargetModel.find(id, on: req.db)
        else { throw APIError.notFound() }
        return webhook
    }
}

extension WebhookTargetModel {
    var json: JSONValue {
        [
            "id": .string(String(id ?? 0)), "name": .string(name), "endpoint": .string(endpoint), "http_method": .string(httpMethod),
            "status": .string(status), "request_format": "json", "subscriptions": ["conditional_ticket_events"],
            "created_at": JSONValue(createdAt), "updated_at": JSONValue(updatedAt),
        ]
    }
}
