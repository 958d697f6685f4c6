import Foundation
import NIOConcurrencyHelpers
import Vapor

/// Counts requests being handled, so shutting down can wait for them: the HTTP server stops accepting at once,
/// but a handler already running (a webhook mid-transaction) must finish before the services go away.
final class InFlightRequests: Middleware, Sendable {
    private let count = NIOLockedValueBox(0)

    func respond(to request: Request, chainingTo next: Responder) -> EventLoopFuture<Response> {
        count.withLockedValue { $0 += 1 }
        return next.respond(to: request).always { _ in self.count.withLockedValue { $0 -= 1 } }
    }

    var current: Int { count.withLockedValue { $0 } }

    /// Waits until no request is being handled, or the time is up.
    func waitUntilIdle(timeout: TimeInterval = 15) async {
        let deadline = Date().addingTimeInterval(timeout)
        while current > 0 && Date() < deadline { try? await Task.sleep(for: .milliseconds(20)) }
    }
}
