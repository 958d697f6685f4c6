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

/// The lists besides tickets share the paginator, but each has its own sort fields and query: every one is walked
/// page by page in both pagination styles and sorted both ways.
@Suite("Pagination and sorting of other lists")
struct ListPaginationTests {
    enum Listed: String, CaseIterable, Sendable {
        case users, groups, comments, audits
    }

    /// Makes the records, then answers the list's path, its key, a field to sort by and the ids in that order.
    private func prepare(_ listed: Listed, _ t: TestApp) async throws -> (path: String, key: String, field: String, ids: [Int]) {
        // Names out of id order, so sorting by name is told apart from sorting by id.
        let names = ["Zulu", "Mike", "Oscar", "Bravo", "Papa"]
        switch listed {
        case .users:
            var byName: [(String, Int)] = [("Admin", t.admin.id), ("Agent", t.agent.id), ("End-User", t.endUser.id)]
            for name in names {
                let reply = try await t.send(.POST, "/api/v2/users", as: .token(t.agent), json: ["user": ["name": .string(name)]])
                byName.append((name, try #require(reply.json["user"]?["id"]?.intValue)))
            }
            return ("/api/v2/users", "users", "name", byName.sorted { $0.0 < $1.0 }.map(\.1))
        case .groups:
            var byName: [(String, Int)] = []
            for name in names {
                let reply = try await t.send(.POST, "/api/v2/groups", as: .token(t.admin), json: ["group": ["name": .string(name)]])
                byName.append((name, try #require(reply.json["group"]?["id"]?.intValue)))
            }
            return ("/api/v2/groups", "groups", "name", byName.sorted { $0.0 < $1.0 }.map(\.1))
        case .comments, .audits:
            let id = try await t.createTicket().int("id")
            for index in 1...4 {
                let reply = try await t.send(.PUT, "/api/v2/tickets/\(id)", as: .token(t.agent),
                                             json: ["ticket": ["comment": ["body": .string("reply \(index)")]]])
                #expect(reply.status == .ok)
            }
            let path = "/api/v2/tickets/\(id)/\(listed.rawValue)"
            let all = try await t.send(.GET, path, as: .token(t.agent)).json[listed.rawValue]?.arrayValue ?? []
            #expect(all.count == 5)
            // Written one after another, so creation order is id order.
            return (path, listed.rawValue, "created_at", all.compactMap { $0["id"]?.intValue }.sorted())
        }
    }

    @Test(arguments: Listed.allCases)
    func walksEveryRecordOnceInBothStylesAndSortsBothWays(_ listed: Listed) async throws {
        try await TestApp.with { t in
            let (path, key, field, expected) = try await prepare(listed, t)
            func ids(_ reply: TestApp.Reply) -> [Int] { reply.json[key]?.arrayValue?.compactMap { $0["id"]?.intValue } ?? [] }
            func local(_ link: String) -> String { String(link[link.range(of: "/api/")!.lowerBound...]) }

            var offsetIDs: [Int] = []
            var url: String? = "\(path)?sort_by=\(field)&per_page=2"
            var pages = 0
            while let current = url, pages < 10 {
                let reply = try await t.send(.GET, current, as: .token(t.admin))
                #expect(reply.status == .ok, "\(current): \(reply.text)")
                #expect(reply.json["count"] == .int(expected.count))
                offsetIDs += ids(reply)
                url = reply.json["next_page"]?.stringValue.map(local)
                pages += 1
            }
            #expect(offsetIDs == expected, "offset pages of \(listed)")
            #expect(pages == (expected.count + 1) / 2)

            var cursorIDs: [Int] = []
            url = "\(path)?sort_by=\(field)&page[size]=2"
            pages = 0
            while let current = url, pages < 10 {
                let reply = try await t.send(.GET, current, as: .token(t.admin))
                #expect(reply.status == .ok, "\(current): \(reply.text)")
                cursorIDs += ids(reply)
                url = reply.json["meta"]?["has_more"] == true ? reply.json["links"]?["next"]?.stringValue.map(local) : nil
                pages += 1
            }
            #expect(cursorIDs == expected, "cursor pages of \(listed)")

            let descending = try await t.send(.GET, "\(path)?sort_by=\(field)&sort_order=desc", as: .token(t.admin))
            #expect(ids(descending) == expected.reversed(), "\(listed) by \(field), descending")
            let byIDDescending = try await t.send(.GET, "\(path)?sort=-id", as: .token(t.admin))
            #expect(ids(byIDDescending) == expected.sorted().reversed(), "\(listed) by id, descending")
            try await t.send(.GET, "\(path)?sort_by=colour", as: .token(t.admin)).expectBadRequest("\(listed): unknown sort field")
            try await t.send(.GET, "\(path)?per_page=0", as: .token(t.admin)).expectBadRequest("\(listed): per_page 0")
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
