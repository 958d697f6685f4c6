import Fluent
import ParleyCore
import Vapor

/// `/api/v2/api_tokens` (admins only): the token text is returned once, at creation; only its hash is kept.
struct APITokensController: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        let tokens = routes.grouped("api_tokens").grouped(RequireAdmin())
        tokens.get(use: list)
        tokens.post(use: create)
        tokens.get(":token_id", use: show)
        tokens.delete(":token_id", use: revoke)
    }

    func list(req: Request) async throws -> JSONValue {
        let tokens = try await APITokenModel.query(on: req.db).sort(\.$id).all()
        return ["api_tokens": .array(tokens.map(Self.json)), "count": .int(tokens.count),
                "next_page": .null, "previous_page": .null]
    }

    func show(req: Request) async throws -> JSONValue {
        ["api_token": Self.json(try await Self.find(req))]
    }

    func create(req: Request) async throws -> Response {
        var body = try RequestBody(req, root: "api_token", known: ["description"])
        let description = body.string("description") ?? "API token"
        try body.validate()
        let token = APIToken.generate()
        let stored = APITokenModel()
        stored.description = description
        stored.tokenHash = APIToken.hash(token)
        stored.tokenHint = APIToken.hint(token)
        stored.createdBy = try req.currentUser.requireID()
        stored.createdAt = req.parley.clock.now
        try await stored.create(on: req.db)
        guard case .object(var object) = Self.json(stored) else { throw Abort(.internalServerError) }
        object["token"] = .string(token)
        return JSONValue.object(["api_token": .object(object)]).response(status: .created)
    }

    func revoke(req: Request) async throws -> Response {
        try await Self.find(req).delete(on: req.db)
        return Response(status: .noContent)
    }

    static func find(_ req: Request) async throws -> APITokenModel {
        guard let id = req.parameters.get("token_id", as: Int.self),
            let token = try await APITokenModel.find(id, on: req.db)
        else { throw APIError.notFound() }
        return token
    }

    static func json(_ token: APITokenModel) -> JSONValue {
        [
            "id": .int(token.id ?? 0),
            "description": .string(token.description),
            "token_hint": .string("…" + token.tokenHint),
            "created_by": .int(token.createdBy),
            "created_at": JSONValue(token.createdAt),
            "last_used_at": JSONValue(token.lastUsedAt),
        ]
    }
}
