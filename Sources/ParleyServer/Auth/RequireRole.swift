import ParleyCore
import Vapor

/// Admin-only routes answer 403 to agents.
struct RequireAdmin: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: AsyncResponder) async throws -> Response {
        guard try request.currentUser.userRole == .admin else { throw APIError.forbidden }
        return try await next.respond(to: request)
    }
}
