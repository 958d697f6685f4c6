import Foundation
import Testing
import Vapor

/// Every answer carries the request id that Parley's log lines for that request carry, so a client can quote it.
@Suite("Request ids")
struct RequestIDTests {
    @Test func everyAnswerHasAFreshIdAndAClientsIdIsEchoed() async throws {
        try await TestApp.with { t in
            let replies = [
                try await t.send(.GET, "/api/v2/users/me", as: .token(t.agent)),
                try await t.send(.GET, "/api/v2/users/me", as: .token(t.agent)),
                try await t.send(.GET, "/api/v2/tickets/999", as: .token(t.agent)),
                try await t.send(.GET, "/api/v2/tickets"),
                try await t.send(.POST, "/api/v2/tickets", as: .token(t.agent), raw: "{"),
                try await t.send(.GET, "/healthz"),
            ]
            #expect(replies.map(\.status.code) == [200, 200, 404, 401, 400, 200])
            let ids = replies.compactMap { $0.headers.first(name: "X-Request-Id") }
            #expect(ids.count == replies.count, "successes and errors alike carry the header")
            #expect(ids.allSatisfy { UUID(uuidString: $0) != nil }, "\(ids)")
            #expect(Set(ids).count == ids.count, "each request has its own id")

            // A proxy or client that already gave the request an id gets the same one back (and in the logs).
            let traced = try await t.send(.GET, "/api/v2/tickets/999", as: .token(t.agent),
                                          headers: ["X-Request-Id": "lb-7f3a-0001"])
            #expect(traced.headers.first(name: "X-Request-Id") == "lb-7f3a-0001")
        }
    }
}
