import Fluent
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

    @Test func searchFindsWholeWordsInSubjectsCommentsAndRequesters() async throws {
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
            #expect(try await search("out again") == [toner], "every word, not next to each other")
            #expect(try await search("toner fire") == [], "every word must be in one text")
            #expect(try await search("print") == [], "whole words")
            #expect(try await search("print*") == [printer], "a trailing * finds words starting so")
            #expect(try await search("50%") == [discount], "the % is not a wildcard")
            #expect(try await search("0%") == [], "whole words: 0 is not 50")
            #expect(try await search("_") == [])
            #expect(try await search("\"fire\" OR NOT smoke") == [], "FTS operators are plain words")
            #expect(try await search("status:open toner") == [toner], "Zendesk filters are left out")
            #expect(try await search("\(discount)") == [discount], "a ticket number")
            let requester = try await parley.send(.GET, "/api/v2/users/\(parley.endUser.id)", as: .token(parley.agent)).json["user"]
            let email = try #require(requester?["email"]?.stringValue)
            #expect(try await search(email) == [printer, toner, discount].sorted(), "a requester's email finds their tickets")
            let name = try #require(requester?["name"]?.stringValue?.split(separator: " ").first.map(String.init))
            #expect(try await search(name) == [printer, toner, discount].sorted(), "a requester's name finds their tickets")
            // The most recently updated first, as Zendesk lists them, each with every field of a ticket.
            for (offset, id) in [toner, discount, printer].enumerated() {
                let ticket = try #require(try await TicketModel.find(id, on: parley.app.db))
                ticket.updatedAt = Date(timeIntervalSince1970: 1_800_000_000 - Double(offset) * 60)
                try await ticket.save(on: parley.app.db)
            }
            let newestFirst = try await parley.send(.GET, "/api/v2/search?query=\(name)", as: .token(parley.agent))
            #expect(ids(newestFirst, "results") == [toner, discount, printer])
            #expect(newestFirst.json["results"]?[0]?["updated_at"] == "2027-01-15T08:00:00Z")
            #expect(newestFirst.json["results"]?[0]?["subject"] == "Supplies" && newestFirst.json["results"]?[0]?["result_type"] == "ticket")

            // Edited texts are searched as they are now: a redacted word is gone from search too.
            let comment = try #require(try await CommentModel.query(on: parley.app.db).filter(\.$ticketID == toner).first())
            comment.body = "Out of ink again"
            try await comment.save(on: parley.app.db)
            #expect(try await search("toner") == [])
            #expect(try await search("ink") == [toner])
            let ticket = try #require(try await TicketModel.find(printer, on: parley.app.db))
            ticket.subject = "Scanner jammed"
            try await ticket.save(on: parley.app.db)
            #expect(try await search("printer") == [])
            #expect(try await search("scanner") == [printer])
            #expect(try await parley.send(.GET, "/api/v2/search?query=", as: .token(parley.agent)).status == .badRequest)
        }
    }

    @Test func searchAnswersInPagesNewestFirst() async throws {
        try await TestApp.with { parley in
            var created: [Int] = []
            for index in 0..<5 {
                created.append(try #require(try await parley.createTicket(subject: "Parcel \(index) missing")["id"]?.intValue))
            }
            _ = try await parley.createTicket(subject: "Something else")
            for (offset, id) in created.enumerated() {
                let ticket = try #require(try await TicketModel.find(id, on: parley.app.db))
                ticket.updatedAt = Date(timeIntervalSince1970: 1_800_000_000 + Double(offset) * 60)
                try await ticket.save(on: parley.app.db)
            }
            let first = try await parley.send(.GET, "/api/v2/search?query=parcel&per_page=2", as: .token(parley.agent))
            #expect(ids(first, "results") == [created[4], created[3]])
            #expect(first.json["count"] == 5, "count is every match, not the page's")
            #expect(first.json["previous_page"] == .null)
            let next = try #require(first.json["next_page"]?.stringValue)
            #expect(next.contains("page=2") && next.contains("per_page=2") && next.contains("query=parcel"), "\(next)")
            let last = try await parley.send(.GET, "/api/v2/search?query=parcel&per_page=2&page=3", as: .token(parley.agent))
            #expect(ids(last, "results") == [created[0]])
            #expect(last.json["next_page"] == .null && last.json["previous_page"]?.stringValue?.contains("page=2") == true)
            let beyond = try await parley.send(.GET, "/api/v2/search?query=parcel&per_page=2&page=9", as: .token(parley.agent))
            #expect(ids(beyond, "results") == [] && beyond.json["count"] == 5, "a page past the last still counts the matches")
            let oldest = try await parley.send(.GET, "/api/v2/search?query=parcel&sort_by=updated_at&sort_order=asc&per_page=2",
                                               as: .token(parley.agent))
            #expect(ids(oldest, "results") == [created[0], created[1]])
            let all = try await parley.send(.GET, "/api/v2/search?query=parcel", as: .token(parley.agent))
            #expect(ids(all, "results") == created.reversed() && all.json["next_page"] == .null, "100 a page unless asked")
            for bad in ["per_page=0", "page=x", "sort_by=priority", "page[size]=2"] {
                let reply = try await parley.send(.GET, "/api/v2/search?query=parcel&\(bad)", as: .token(parley.agent))
                #expect(reply.status == .badRequest && reply.json["error"] != nil, "\(bad): \(reply.status)")
            }
        }
    }

    /// The counts the database keeps for the views (`ticket_counts`, maintained by triggers) against a count of
    /// the tickets themselves, after creating, updating (status and assignee, alone and together) and deleting.
    @Test func keptCountsMatchTheTickets() async throws {
        try await TestApp.with { parley in
            let statuses = ["new", "open", "pending", "hold", "solved", "closed"]
            let assignees: [Int?] = [nil, parley.agent.id, parley.admin.id]
            var generator = SystemRandomNumberGenerator()
            var created: [TicketModel] = []
            for index in 0..<60 {
                let ticket = TicketModel()
                ticket.subject = "Ticket \(index)"
                ticket.status = statuses.randomElement(using: &generator)!
                ticket.assigneeID = assignees.randomElement(using: &generator)!
                ticket.requesterID = parley.endUser.id
                ticket.submitterID = parley.endUser.id
                ticket.tagsText = ""
                ticket.viaChannel = "web"
                ticket.createdAt = Date()
                ticket.updatedAt = Date()
                try await ticket.create(on: parley.app.db)
                created.append(ticket)
            }
            for _ in 0..<120 {
                let ticket = created.randomElement(using: &generator)!
                switch Int.random(in: 0..<4, using: &generator) {
                case 0: ticket.status = statuses.randomElement(using: &generator)!
                case 1: ticket.assigneeID = assignees.randomElement(using: &generator)!
                case 2:
                    ticket.status = statuses.randomElement(using: &generator)!
                    ticket.assigneeID = assignees.randomElement(using: &generator)!
                default: ticket.subject = "Touched"
                }
                try await ticket.save(on: parley.app.db)
            }
            for ticket in created.prefix(10) { try await ticket.delete(on: parley.app.db) }
            for status in statuses {
                for assignee in assignees {
                    let kept = try await TicketCounts(statuses: [status], assignee: assignee.map { .user($0) } ?? .nobody)
                        .count(on: parley.app.db)
                    let counted = try await TicketModel.query(on: parley.app.db).filter(\.$status == status)
                        .filter(\.$assigneeID == assignee).count()
                    #expect(kept == counted, "\(status), assignee \(assignee.map(String.init) ?? "none")")
                }
                let all = try await TicketCounts(statuses: [status], assignee: .anyone).count(on: parley.app.db)
                #expect(all == (try await TicketModel.query(on: parley.app.db).filter(\.$status == status).count()))
            }
            let views = try await counts(parley)
            let open = try await TicketModel.query(on: parley.app.db).filter(\.$status ~~ ["new", "open"]).count()
            #expect(views["open"] == open && open > 0)
        }
    }
}
