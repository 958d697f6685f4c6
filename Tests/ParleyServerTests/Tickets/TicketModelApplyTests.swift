import Fluent
import Foundation
import ParleyCore
@testable import ParleyServer
import Testing

/// `TicketModel.apply` assigns only what differs: Fluent writes every assigned field, and an
/// UPDATE naming the subject or status runs the search index's and the kept counts' triggers for nothing.
@Suite("Applying a snapshot to a ticket")
struct TicketModelApplyTests {
    private func storedTicket(on db: Database, requester: Int) async throws -> TicketModel {
        let ticket = TicketModel()
        ticket.apply(TicketSnapshot(subject: "Parcel late", description: "Where is it?", status: .open, tags: ["whatsapp"],
                                    requesterID: requester, submitterID: requester))
        ticket.viaChannel = "whatsapp"
        ticket.createdAt = Date()
        ticket.updatedAt = Date()
        try await ticket.create(on: db)
        return try #require(try await TicketModel.find(ticket.requireID(), on: db))
    }

    @Test func aNewTicketGetsEveryField() async throws {
        let ticket = TicketModel()
        ticket.apply(TicketSnapshot(subject: "Hello", description: nil, status: .new, tags: ["a", "b"], requesterID: 7))
        #expect(ticket.subject == "Hello")
        #expect(ticket.status == "new")
        #expect(ticket.tagsText == "a b")
        #expect(ticket.requesterID == 7)
        #expect(ticket.hasChanges)
    }

    @Test func theSameSnapshotChangesNothing() async throws {
        try await TestApp.with { parley in
            let ticket = try await storedTicket(on: parley.app.db, requester: parley.endUser.id)
            ticket.apply(ticket.snapshot)
            #expect(!ticket.hasChanges)
        }
    }

    @Test func onlyWhatDiffersIsWrittenAndKept() async throws {
        try await TestApp.with { parley in
            let db = parley.app.db
            let ticket = try await storedTicket(on: db, requester: parley.endUser.id)
            var snapshot = ticket.snapshot
            snapshot.status = .pending
            snapshot.assigneeID = parley.agent.id
            ticket.apply(snapshot)
            #expect(ticket.hasChanges)
            try await ticket.save(on: db)

            let reread = try #require(try await TicketModel.find(ticket.requireID(), on: db))
            #expect(reread.status == "pending")
            #expect(reread.assigneeID == parley.agent.id)
            #expect(reread.subject == "Parcel late")
            #expect(reread.snapshot.description == "Where is it?")
            #expect(reread.tags == ["whatsapp"])
            // The kept counts followed the status and assignee that changed.
            #expect(try await TicketCounts(statuses: ["pending"], assignee: .user(parley.agent.id)).count(on: db) == 1)
            #expect(try await TicketCounts(statuses: ["open"], assignee: .anyone).count(on: db) == 0)
        }
    }
}
