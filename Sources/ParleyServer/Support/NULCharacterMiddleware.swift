import Vapor

/// Refuses a URL or form body carrying U+0000 (`%00`) with a 400: PostgreSQL's text cannot hold it, so a search
/// or a login with one would otherwise fail deep inside a query. JSON bodies are cleaned where they are parsed
/// (`JSONValue.parseRequestDocument`).
struct NULCharacterMiddleware: Middleware {
    func respond(to request: Request, chainingTo next: Responder) -> EventLoopFuture<Response> {
        if Self.hasEncodedNUL(request.url.string) {
            return request.eventLoop.makeFailedFuture(
                APIError.badRequest("The URL contains a NUL character (%00), which Parley does not accept"))
        }
        if request.headers.contentType == .urlEncodedForm, let body = request.body.string, Self.hasEncodedNUL(body) {
            return request.eventLoop.makeFailedFuture(
                APIError.badRequest("The form contains a NUL character (%00), which Parley does not accept"))
        }
        return next.respond(to: request)
    }

    /// `%00` (digits: no case to ignore) or a raw NUL, looked for on the bytes rather than through NSString.
    static func hasEncodedNUL(_ text: String) -> Bool {
        var previous: (UInt8, UInt8) = (0xFF, 0xFF)
        for byte in text.utf8 {
            if byte == 0 || (previous == (UInt8(ascii: "%"), UInt8(ascii: "0")) && byte == UInt8(ascii: "0")) { return true }
            previous = (previous.1, byte)
        }
        return false
    }
}
