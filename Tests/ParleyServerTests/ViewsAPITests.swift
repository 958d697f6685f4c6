import Foundation
import ParleyCore
@testable import ParleyServer
import Testing
import Vapor

@Suite("Agent views and search")
struct ViewsAPITests {
    func counts(_ parley: TestApp) async throws -> [String: Int] {
        let views = try await parley.send(.GET, "/api/v2/parley/views", as: .token(parley.agent)).json["views"]?.arrayValue ?? []
        return Dictionary(uniqueKeysWithValues: views.compactMap { view in
            view["id"]?.stringValue.flatMap { id in view["count"]?.intValue.map { (id, $0) } }
        })
    }

    func ids(_ reply: TestApp.Reply, _ key: String = "tickets") -> [Int] {
        reply.json[key]?.arrayValue?.compactMap { $0["id"]?.intValue } ?? []
    }

    @Test func viewsCountAndListWhatTheyPromise() async throws {
        try await TestApp.with { parley in
            let fresh = try #require(try await parley.createTicket(subject: "Fresh")["id"]?.intValue)
            let mine = try #require(try await parley.createTicket(subject: "Mine", extra: ["assignee_id": .int(parley.agent.id)])["id"]?.intValue)
            let waiting = try #require(try await parley.createTicket(subject: "Waiting", extra: ["status": "pending"])["id"]?.intValue)
            let done = try #require(try await parley.createTicket(subject: "Done", extra: [
                "status": "solved", "assignee_id": .int(parley.agent.id)])["id"]?.intValue)
            let counts = try await counts(parley)
            #expect(counts["open"] == 2 && counts["new"] == 1 && counts["pending"] == 1 && counts["solved"] == 1, "\(counts)")
            #expect(counts["mine"] == 1 && counts["unassigned"] == 2 && counts["hold"] == 0, "\(counts)")
            for (view, expected) in [("open", [mine, fresh]), ("new", [fresh]), ("pending", [waiting]), ("solved", [done]),
                                     ("mine", [mine]), ("unassigned", [waiting, fresh])] {
                let reply = try await parley.send(.GET, "/api/v2/parley/views/\(view)/tickets?sort_by=id&sort_order=desc",
                                                  as: .token(parley.agent))
                #expect(ids(reply) == expected, "view \(view)")
            }
            let paged = try await parley.send(.GET, "/api/v2/parley/views/open/tickets?per_page=1&sort_by=id&sort_order=asc",
                                              as: .token(parley.agent))
            #expect(ids(paged) == [fresh])
            #expect(paged.json["count"] == 2)
            #expect(paged.json["next_page"]?.stringValue?.contains("page=2") == true)
            #expect(try await parley.send(.GET, "/api/v2/parley/views/nope/tickets", as: .token(parley.agent)).status == .notFound)
            #expect(try await parley.send(.GET, "/api/v2/parley/views").status == .unauthorized)
        }
    }

    @Test func searchIgnoresCaseAndFindsSubjectsCommentsAndRequesters() async throws {
        try await TestApp.with { parley in
            let printer = try #require(try await parley.createTicket(subject: "Printer on fire", body: "smoke everywhere")["id"]?.intValue)
            let toner = try #require(try await parley.createTicket(subject: "Supplies", body: "Out of TONER again")["id"]?.intValue)
            let discount = try #require(try await parley.createTicket(subject: "Discount of 50% please")["id"]?.intValue)
            func search(_ query: String) async throws -> [Int] {
                let encoded = query.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? query
                let reply = try await parley.send(.GET, "/api/v2/search?query=\(encoded)", as: .token(parley.agent))
                #expect(reply.status == .ok)
                return ids(reply, "results").sorted()
            }
            #expect(try await search("PRINTER") == [printer], "case does not matter, on PostgreSQL too")
            #expect(try await search("toner") == [toner], "comments are searched")
            #expect(try await search("50%") == [discount], "a % in the query is a character, not a wildcard")
            #expect(try await search("0%") == [discount])
            #expect(try await search("_") == [])
            let requester = try await parley.send(.GET, "/api/v2/users/\(parley.endUser.id)", as: .token(parley.agent)).json["user"]
            let email = try #require(requester?["email"]?.stringValue)
            #expect(try await search(email) == [printer, toner, discount].sorted(), "a requester's email finds their tickets")
            #expect(try await parley.send(.GET, "/api/v2/search?query=", as: .token(parley.agent)).status == .badRequest)
        }
    }
}
