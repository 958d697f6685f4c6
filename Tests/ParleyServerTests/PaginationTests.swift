import ParleyCore
@testable import ParleyServer
import Testing
import Vapor

@Suite("Pagination and sorting")
struct PaginationTests {
    @Test func offsetPagesCarryCountAndLinks() async throws {
        try await TestApp.with { t in
            for index in 1...5 { _ = try await t.createTicket(subject: "t\(index)") }
            let first = try await t.send(.GET, "/api/v2/tickets.json?per_page=2", as: .token(t.agent))
            #expect(first.json["count"] == 5)
            #expect(first.json["tickets"]?.arrayValue?.count == 2)
            #expect(first.json["previous_page"] == .null)
            let next = try #require(first.json["next_page"]?.stringValue)
            #expect(next.contains("page=2") && next.contains("per_page=2"))

            let last = try await t.send(.GET, "/api/v2/tickets?page=3&per_page=2", as: .token(t.agent))
            #expect(last.json["tickets"]?.arrayValue?.map { $0["subject"] } == ["t5"])
            #expect(last.json["next_page"] == .null)
            #expect(last.json["previous_page"]?.stringValue?.contains("page=2") == true)

            let capped = try await t.send(.GET, "/api/v2/tickets?per_page=500", as: .token(t.agent))
            #expect(capped.status == .ok)
            #expect(capped.json["tickets"]?.arrayValue?.count == 5)

            let bad = try await t.send(.GET, "/api/v2/tickets?page=0", as: .token(t.agent))
            #expect(bad.status == .badRequest)
            // Found by schemathesis: a huge page number overflowed the offset and crashed the server.
            for huge in ["9223372036854775807", "100001", "99999999999999999999"] {
                let reply = try await t.send(.GET, "/api/v2/tickets?page=\(huge)&per_page=100", as: .token(t.agent))
                #expect(reply.status == .badRequest, "\(huge)")
            }
        }
    }

    @Test func cursorPagesWalkEveryRecordOnceInBothDirections() async throws {
        try await TestApp.with { t in
            var created: [Int] = []
            for index in 1...7 { created.append(try #require(try await t.createTicket(subject: "c\(index)")["id"]?.intValue)) }
            var seen: [Int] = []
            var url: String? = "/api/v2/tickets.json?page[size]=3&sort=-id"
            var pages = 0
            var lastReply: TestApp.Reply?
            while let current = url, pages < 10 {
                let reply = try await t.send(.GET, current, as: .token(t.agent))
                #expect(reply.status == .ok, "\(reply.text)")
                seen += reply.json["tickets"]?.arrayValue?.compactMap { $0["id"]?.intValue } ?? []
                url = reply.json["meta"]?["has_more"] == true
                    ? reply.json["links"]?["next"]?.stringValue.map { String($0[$0.range(of: "/api/")!.lowerBound...]) }
                    : nil
                lastReply = reply
                pages += 1
            }
            #expect(seen == created.reversed())
            #expect(pages == 3)
            // Going back from the last page returns the page before it.
            let prev = try #require(lastReply?.json["links"]?["prev"]?.stringValue)
            let back = try await t.send(.GET, String(prev[prev.range(of: "/api/")!.lowerBound...]), as: .token(t.agent))
            #expect(back.json["tickets"]?.arrayValue?.compactMap { $0["id"]?.intValue } == Array(created.reversed()[3..<6]))

            let garbage = try await t.send(.GET, "/api/v2/tickets?page[after]=nonsense", as: .token(t.agent))
            #expect(garbage.status == .badRequest)
        }
    }

    @Test func sortByFieldAndOrder() async throws {
        try await TestApp.with { t in
            for subject in ["banana", "apple", "cherry"] { _ = try await t.createTicket(subject: subject) }
            let asc = try await t.send(.GET, "/api/v2/tickets?sort_by=subject&sort_order=asc", as: .token(t.agent))
            #expect(asc.json["tickets"]?.arrayValue?.map { $0["subject"] } == ["apple", "banana", "cherry"])
            let desc = try await t.send(.GET, "/api/v2/tickets?sort_by=subject&sort_order=desc", as: .token(t.agent))
            #expect(desc.json["tickets"]?.arrayValue?.map { $0["subject"] } == ["cherry", "banana", "apple"])
            let cursor = try await t.send(.GET, "/api/v2/tickets?page[size]=2&sort=subject", as: .token(t.agent))
            #expect(cursor.json["tickets"]?.arrayValue?.map { $0["subject"] } == ["apple", "banana"])
            let unknown = try await t.send(.GET, "/api/v2/tickets?sort_by=colour", as: .token(t.agent))
            #expect(unknown.status == .badRequest)
        }
    }
}

@Suite("Query strings")
struct QueryStringTests {
    /// Found by schemathesis: a query with an empty pair (`=`) crashed the server.
    @Test(arguments: ["=", "&&", "=x", "page", "a=b=c", "%ZZ=1", "page[size]=", "&page=2&"])
    func oddQueriesParseWithoutCrashing(query: String) {
        let parsed = PageRequest.parseQuery(query)
        #expect(parsed[""] == nil)
    }

    @Test func valuesAreDecoded() {
        #expect(PageRequest.parseQuery("page%5Bsize%5D=2&q=a+b&x=") == ["page[size]": "2", "q": "a b", "x": ""])
        #expect(PageRequest.parseQuery("a=b=c")["a"] == "b=c")
    }
}
