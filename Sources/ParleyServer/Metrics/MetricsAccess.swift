import Vapor

/// Who may read `/metrics`. The figures are operational, not personal (counts, never names, numbers or tokens),
/// but they still tell a stranger how busy a helpdesk is and which routes it serves, so by default only these may:
/// - a scraper on the same machine (a loopback address, and no proxy header: a request a reverse proxy on the same
///   host forwarded from outside also arrives from loopback, but carries `X-Forwarded-For`, `Forwarded` or
///   `X-Real-IP`);
/// - an admin, with an API token or a session, like any admin route.
/// `PARLEY_METRICS_PUBLIC=true` (`--metrics-public`) opens it to everyone, for a scraper on another machine
/// inside a private network.
struct MetricsAccess: AsyncMiddleware {
    static let proxyHeaders = ["X-Forwarded-For", "Forwarded", "X-Real-IP"]

    func respond(to request: Request, chainingTo next: AsyncResponder) async throws -> Response {
        if request.parley.settings.metricsPublic || Self.isLocalScraper(request) {
            return try await next.respond(to: request)
        }
        // Anyone else must be an admin: 401 without credentials, 403 for an agent.
        let admins: [Middleware] = [APIAuthenticator(), RequireAdmin()]
        return try await admins.makeResponder(chainingTo: next).respond(to: request).get()
    }

    static func isLocalScraper(_ request: Request) -> Bool {
        guard proxyHeaders.allSatisfy({ request.headers.first(name: $0) == nil }),
            let address = request.remoteAddress?.ipAddress
        else { return false }
        return isLoopback(address)
    }

    /// 127.0.0.0/8, ::1, and IPv4 loopback written as an IPv6 address.
    static func isLoopback(_ address: String) -> Bool {
        address.hasPrefix("127.") || address == "::1" || address.lowercased().hasPrefix("::ffff:127.")
    }
}
