import ParleyCore
import Testing
import Vapor

/// Ids that do not exist answer Zendesk's 404 body on every route that takes one, writes included, and the
/// caller's role does not change that (admins are used where the route is admin-only).
@Suite("Unknown ids")
struct NotFoundTests {
    @Test func everyRouteWithAnIdAnswersRecordNotFound() async throws {
        try await TestApp.with { t in
            let ticketID = try await t.createTicket().int("id")
            let otherTicketID = try await t.createTicket(subject: "Other").int("id")
            let otherAudits = try await t.send(.GET, "/api/v2/tickets/\(otherTicketID)/audits", as: .token(t.agent))
            let otherAuditID = try #require(otherAudits.json["audits"]?[0]?["id"]?.intValue)

            let requests: [(HTTPMethod, String, TestApp.Person, JSONValue?)] = [
                (.DELETE, "/api/v2/tickets/999", t.agent, nil),
                (.DELETE, "/api/v2/tickets/abc", t.agent, nil),
                (.GET, "/api/v2/tickets/\(ticketID)/audits/999", t.agent, nil),
                // An audit that exists, but of another ticket.
                (.GET, "/api/v2/tickets/\(ticketID)/audits/\(otherAuditID)", t.agent, nil),
                (.GET, "/api/v2/tickets/999/audits/1", t.agent, nil),
                (.PUT, "/api/v2/users/999", t.agent, ["user": ["name": "Nobody"]]),
                (.PUT, "/api/v2/users/999", t.admin, ["user": ["name": "Nobody"]]),
                (.DELETE, "/api/v2/users/999", t.admin, nil),
                (.POST, "/api/v2/users/999/password", t.admin, ["password": "long-enough-password"]),
                (.GET, "/api/v2/users/999/identities", t.agent, nil),
                (.PUT, "/api/v2/groups/999", t.admin, ["group": ["name": "Nobody"]]),
                (.DELETE, "/api/v2/groups/999", t.admin, nil),
                (.GET, "/api/v2/api_tokens/999", t.admin, nil),
                (.DELETE, "/api/v2/api_tokens/999", t.admin, nil),
                (.GET, "/api/v2/attachments/999/content", t.agent, nil),
                (.DELETE, "/api/v2/uploads/no-such-token", t.agent, nil),
            ]
            for (method, path, person, body) in requests {
                let reply = try await t.send(method, path, as: .token(person), json: body)
                reply.expectNotFound("\(method) \(path)")
            }

            // Nothing was created or changed on the way.
            #expect(try await t.send(.GET, "/api/v2/tickets", as: .token(t.agent)).json["count"] == 2)
            #expect(try await t.send(.GET, "/api/v2/users", as: .token(t.agent)).json["count"] == 3)
            #expect(try await t.send(.GET, "/api/v2/groups", as: .token(t.agent)).json["count"] == 0)
        }
    }
}
