import Fluent
import Foundation
import Vapor

/// Authenticates API and interface requests: HTTP Basic `email/token:TOKEN` (Zendesk's scheme),
/// `Authorization: Bearer TOKEN`, HTTP Basic `email:password` (unless turned off), or the session cookie.
/// Only agents and admins get through; end users have no API access.
struct APIAuthenticator: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: AsyncResponder) async throws -> Response {
        let user = try await authenticate(request)
        guard let user else { throw APIError.unauthenticated }
        guard user.active, !user.suspended else { throw APIError.unauthenticated }
        guard user.userRole.isStaff else { throw APIError.forbidden }
        request.auth.login(user)
        request.logger[metadataKey: "user_id"] = "\(user.id ?? 0)"
        return try await next.respond(to: request)
    }

    private func authenticate(_ request: Request) async throws -> UserModel? {
        if let bearer = request.headers.bearerAuthorization {
            return try await userForBearer(bearer.token, on: request)
        }
        if let basic = request.headers.basicAuthorization {
            if basic.username.hasSuffix("/token") {
                let email = String(basic.username.dropLast("/token".count))
                return try await userForToken(email: email, token: basic.password, on: request)
            }
            return try await userForPassword(email: basic.username, password: basic.password, on: request)
        }
        if request.headers.first(name: .authorization) != nil { return nil }
        guard let user = try await SessionLogin.user(of: request) else { return nil }
        // A cookie rides along with any request the browser makes, so a change made with one must also carry
        // the session's CSRF token, which only Parley's own pages can read.
        if ![.GET, .HEAD, .OPTIONS].contains(request.method) {
            guard let token = request.headers.first(name: "X-CSRF-Token"), SessionLogin.csrfMatches(token, request) else {
                throw APIError(status: .forbidden, error: "InvalidCSRFToken", description: "Missing or wrong X-CSRF-Token header")
            }
        }
        return user
    }

    private func findToken(_ token: String, on request: Request) async throws -> APITokenModel? {
        guard !token.isEmpty else { return nil }
        guard let stored = try await APITokenModel.firstDirectly(where: "token_hash", equals: APIToken.hash(token), on: request.db)
        else { return nil }
        let now = request.parley.clock.now
        // Write the last use at most once a minute: a busy integration would otherwise write on every call.
        if stored.lastUsedAt.map({ now.timeIntervalSince($0) > 60 }) ?? true {
            stored.lastUsedAt = now
            _ = try? await request.parley.writeGate.run { try await stored.save(on: request.db) }
        }
        return stored
    }

    private func userForBearer(_ token: String, on request: Request) async throws -> UserModel? {
        guard let stored = try await findToken(token, on: request) else { return nil }
        return try await UserModel.findDirectly(stored.createdBy, on: request.db)
    }

    private func userForToken(email: String, token: String, on request: Request) async throws -> UserModel? {
        guard try await findToken(token, on: request) != nil else { return nil }
        return try await UserModel.firstDirectly(where: "email", equals: email.lowercased(), on: request.db)
    }

    private func userForPassword(email: String, password: String, on request: Request) async throws -> UserModel? {
        guard try await AccountSettings.load(on: request.db).passwordAccess else {
            throw APIError(
                status: .unauthorized, error: "Couldn't authenticate you",
                description: "Password access to the API is turned off; use an API token")
        }
        return try await PasswordCheck.user(email: email, password: password, on: request)
    }
}
