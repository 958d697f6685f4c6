import ParleyCore
import Vapor

/// `/api/v2/account/settings`: read by agents, changed by admins.
struct AccountSettingsController: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        let settings = routes.grouped("account", "settings")
        settings.get(use: show)
        settings.grouped(RequireAdmin()).put(use: update)
    }

    func show(req: Request) async throws -> JSONValue {
        ["settings": try await AccountSettings.load(on: req.db).json]
    }

    func update(req: Request) async throws -> JSONValue {
        var body = try RequestBody(req, root: "settings", known: ["api"])
        var settings = try await AccountSettings.load(on: req.db)
        if var api = body.object("api", known: ["password_access"]) {
            if let access = api.bool("password_access") { settings.passwordAccess = access }
            body.absorb(api, prefix: "api")
        }
        try body.validate()
        try await settings.save(on: req.db)
        return ["settings": settings.json]
    }
}
