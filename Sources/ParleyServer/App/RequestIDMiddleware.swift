import Vapor

/// Returns the request id so a client can quote it when reporting a problem.
/// The global middlewares are future-based: an `AsyncMiddleware` starts a task of its own and bridges back to a
/// future on every request, a cost each webhook paid once per middleware.
struct RequestIDMiddleware: Middleware {
    func respond(to request: Request, chainingTo next: Responder) -> EventLoopFuture<Response> {
        next.respond(to: request).map { response in
            response.headers.replaceOrAdd(name: "X-Request-Id", value: request.id)
            return response
        }
    }
}
