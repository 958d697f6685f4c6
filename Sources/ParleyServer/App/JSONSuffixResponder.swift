import Vapor

/// Zendesk paths may end in `.json` (`/api/v2/tickets/1.json`). Vapor picks the route before any middleware
/// runs, so the suffix is stripped here, in front of the router, for both spellings to reach the same route.
struct JSONSuffixResponder: Responder {
    let next: Responder

    func respond(to request: Request) -> EventLoopFuture<Response> {
        let path = request.url.path
        if path.hasPrefix("/api/"), path.hasSuffix(".json") {
            request.url.path = String(path.dropLast(5))
        }
        return next.respond(to: request)
    }
}
