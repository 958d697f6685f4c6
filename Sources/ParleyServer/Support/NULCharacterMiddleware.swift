import Vapor

/// Refuses a URL or form body carrying U+0000 (`%00`) with a 400: PostgreSQL's text cannot hold it, so a search
/// or a login with one would otherwise fail deep inside a query. JSON bodies are cleaned where they are parsed
/// (`JSONValue.parseRequestDocument`).
struct NULCharacterMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: AsyncResponder) async throws -> Response {
        if Self.hasEncodedNUL(request.url.string) {
            throw APIError.badRequest("The URL contains a NUL character (%00), which Parley does not accept")
        }
        if request.headers.contentType == .urlEncodedForm, let body = request.body.string, Self.hasEncodedNUL(body) {
            throw APIError.badRequest("The form contains a NUL character (%00), which Parley does not accept")
        }
        return try await next.respond(to: request)
    }

    static func hasEncodedNUL(_ text: String) -> Bool {
        text.range(of: "%00", options: .caseInsensitive) != nil || text.contains("\u{0}")
    }
}
