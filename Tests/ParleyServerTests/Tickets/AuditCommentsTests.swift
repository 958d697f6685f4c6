import Fluent
import Foundation
import ParleyCore
@testable import ParleyServer
import Testing

/// An audit's Comment events show their comments: the stored audit does not repeat the comment ids (writing them
/// was an UPDATE per message), the reader pairs them by the comments' `audit_id`.
@Suite("Audits show their comments")
struct AuditCommentsTests {
    @Test func aNewTicketsAuditShowsItsComment() async throws {
        try await TestApp.with { t in
            let created = try await t.send(.POST, "/api/v2/tickets", as: .token(t.agent), json: [
                "ticket": ["subject": "Printer", "comment": ["body": "It jams on page two"], "requester_id": .int(t.endUser.id)],
            ])
            #expect(created.status == .created)
            let ticketID = try #require(created.json["ticket"]?["id"]?.intValue)
            let answered = try #require(created.json["audit"]?["events"]?.arrayValue?.first { $0["type"] == "Comment" })

            let comments = try await t.send(.GET, "/api/v2/tickets/\(ticketID)/comments", as: .token(t.agent)).json["comments"]
            let commentID = try #require(comments?[0]?["id"]?.intValue)
            let audits = try await t.send(.GET, "/api/v2/tickets/\(ticketID)/audits", as: .token(t.agent)).json["audits"]
            let event = try #require(audits?[0]?["events"]?.arrayValue?.first { $0["type"] == "Comment" })
            #expect(event["id"]?.intValue != nil)
            #expect(event["body"] == "It jams on page two")
            #expect(answered["body"] == "It jams on page two", "the creating call's answer shows the comment too")

            // The stored audit names no comment id; the comment names its audit.
            let audit = try #require(try await AuditModel.query(on: t.app.db).filter(\.$ticketID == ticketID).first())
            #expect(audit.events.first { $0.type == .comment }?.data["comment_id"] == nil)
            #expect(try await CommentModel.find(commentID, on: t.app.db)?.auditID == audit.id)
        }
    }

    @Test func commentsPairWithTheirEventsInOrderAndNamedOnesByID() async throws {
        try await TestApp.with { t in
            let db = t.app.db
            let created = try await t.send(.POST, "/api/v2/tickets", as: .token(t.agent), json: [
                "ticket": ["subject": "Two notes", "comment": ["body": "first"], "requester_id": .int(t.endUser.id)],
            ])
            let ticketID = try #require(created.json["ticket"]?["id"]?.intValue)
            func comment(_ body: String, audit: Int) async throws -> Int {
                let comment = CommentModel()
                comment.ticketID = ticketID
                comment.auditID = audit
                comment.authorID = t.agent.id
                comment.body = body
                comment.isPublic = false
                comment.viaChannel = "api"
                comment.createdAt = Date()
                try await comment.create(on: db)
                return try comment.requireID()
            }
            // An audit with two comments written in order, none named in the events.
            let twoEvents = AuditModel(ticketID: ticketID, authorID: t.agent.id, via: .api,
                                       events: [.comment(isPublic: false), .change("status", from: "new", to: "open"), .comment(isPublic: false)],
                                       now: Date())
            try await twoEvents.create(on: db)
            _ = try await comment("second", audit: try twoEvents.requireID())
            _ = try await comment("third", audit: try twoEvents.requireID())
            // An audit written as before, its events naming their comments (here in the reverse order of the ids).
            let named = AuditModel(ticketID: ticketID, authorID: t.agent.id, via: .api, events: [], now: Date())
            try await named.create(on: db)
            let fourth = try await comment("fourth", audit: try named.requireID())
            let fifth = try await comment("fifth", audit: try named.requireID())
            named.events = [AuditEvent(type: .comment, data: ["comment_id": .int(fifth), "public": false]),
                            AuditEvent(type: .comment, data: ["comment_id": .int(fourth), "public": false])]
            try await named.save(on: db)

            let audits = try #require(try await t.send(.GET, "/api/v2/tickets/\(ticketID)/audits", as: .token(t.agent)).json["audits"]?.arrayValue)
            let bodies = audits.map { audit in
                (audit["events"]?.arrayValue ?? []).filter { $0["type"] == "Comment" }.map { $0["body"]?.stringValue ?? "-" }
            }
            #expect(bodies == [["first"], ["second", "third"], ["fifth", "fourth"]])
            let one = try await t.send(.GET, "/api/v2/tickets/\(ticketID)/audits/\(try named.requireID())", as: .token(t.agent))
            #expect(one.json["audit"]?["events"]?[0]?["id"] != nil)
            #expect(one.json["audit"]?["events"]?[0]?["body"] == "fifth")
        }
    }
}
