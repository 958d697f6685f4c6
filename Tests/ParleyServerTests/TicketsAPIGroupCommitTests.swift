import Fluent
import ParleyCore
@testable import ParleyServer
import Testing
import Vapor

@Suite("Tickets API under group commit")
struct TicketsAPIGroupCommitTests {
    /// Replies sent at once share commits on SQLite; one refused among them fails alone and loses nothing else.
    @Test func concurrentRepliesAreEachKeptAndABadOneFailsAlone() async throws {
        try await TestApp.with { t in
            var tickets: [Int] = []
            for number in 0..<4 { tickets.append(try #require(try await t.createTicket(subject: "Ticket \(number)")["id"]?.intValue)) }
            let ticketIDs = tickets
            let replies = 24
            let refused = 11
            let answers = try await withThrowingTaskGroup(of: (Int, UInt, JSONValue).self) { group in
                for reply in 0..<replies {
                    group.addTask {
                        var ticket: [String: JSONValue] = ["comment": ["body": .string("reply \(reply)")]]
                        // An end user cannot be assigned: a 422 for this one, inside somebody's batch.
                        if reply == refused { ticket["assignee_id"] = .int(t.endUser.id) }
                        let answer = try await t.send(.PUT, "/api/v2/tickets/\(ticketIDs[reply % ticketIDs.count])",
                                                      as: .token(t.agent), json: ["ticket": .object(ticket)])
                        return (reply, answer.status.code, answer.json)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(answers.filter { $0.1 != 200 }.map(\.0) == [refused])
            let bad = try #require(answers.first { $0.0 == refused })
            #expect(bad.1 == 422)
            #expect(bad.2.encodedString().contains("assignee_id"), "\(bad.2)")

            let bodies = try await CommentModel.query(on: t.app.db).all().map(\.body)
            for reply in 0..<replies where reply != refused {
                #expect(bodies.filter { $0 == "reply \(reply)" }.count == 1, "reply \(reply)")
            }
            #expect(!bodies.contains("reply \(refused)"))
            let commits = t.app.parley.ticketCommits
            if TestDatabase.postgresServer == nil {
                #expect(await commits.jobs == tickets.count + replies)
                #expect(await commits.batches < commits.jobs)
            } else {
                #expect(await commits.batches == 0, "PostgreSQL groups commits by itself")
            }
        }
    }

    /// Replies to different tickets share a commit side by side; an upload is still attached to one comment only.
    @Test func oneUploadClaimedByTwoRepliesAtOnceGoesToOne() async throws {
        try await TestApp.with { t in
            var tickets: [Int] = []
            for number in 0..<6 { tickets.append(try #require(try await t.createTicket(subject: "Ticket \(number)")["id"]?.intValue)) }
            var headers = HTTPHeaders()
            headers.contentType = HTTPMediaType(type: "image", subType: "png")
            let upload = try await t.send(.POST, "/api/v2/uploads.json?filename=shot.png", as: .token(t.agent), headers: headers,
                                          bytes: Data([1, 2, 3]))
            let token = try #require(upload.json["upload"]?["token"]?.stringValue)
            let ticketIDs = tickets
            let statuses = try await withThrowingTaskGroup(of: UInt.self) { group in
                for (index, ticket) in ticketIDs.enumerated() {
                    group.addTask {
                        var comment: [String: JSONValue] = ["body": .string("reply \(index)")]
                        if index < 2 { comment["uploads"] = [.string(token)] }
                        return try await t.send(.PUT, "/api/v2/tickets/\(ticket)", as: .token(t.agent),
                                                json: ["ticket": ["comment": .object(comment)]]).status.code
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == 200 }.count == 5 && statuses.filter { $0 == 422 }.count == 1, "\(statuses)")
            let files = try await AttachmentModel.query(on: t.app.db).filter(\.$commentID != nil).all()
            #expect(files.count == 1, "attached once")
            #expect(try await CommentModel.query(on: t.app.db).filter(\.$body ~~ ["reply 0", "reply 1"]).count() == 1)
        }
    }
}
