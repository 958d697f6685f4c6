import Fluent
import Foundation
import SQLKit
@testable import ParleyServer
import Testing

/// `createDirectly` / `saveDirectly` store what Fluent's `create` / `save` store and leave the model in the same
/// state (on PostgreSQL they are Fluent's own).
@Suite("Writing models straight through the driver")
struct ModelDirectWritesTests {
    private func fullTicket(requester: Int, agent: Int) -> TicketModel {
        let ticket = TicketModel()
        ticket.subject = "Card declined – ünïcode 🎉"
        ticket.description = nil
        ticket.status = "pending"
        ticket.priority = "high"
        ticket.tagsText = "vip whatsapp"
        ticket.requesterID = requester
        ticket.assigneeID = agent
        ticket.viaChannel = "whatsapp"
        ticket.viaSource = #"{"from":{"name":"Ana"}}"#
        ticket.createdAt = Date(timeIntervalSince1970: 1_700_000_000.125)
        ticket.updatedAt = Date(timeIntervalSince1970: 1_700_000_100.5)
        ticket.lastEndUserMessageAt = Date(timeIntervalSince1970: 1_700_000_050.75)
        return ticket
    }

    @Test func aCreateStoresWhatFluentStores() async throws {
        try await TestApp.with { parley in
            let db = parley.app.db
            // On SQLite the direct path itself is what is compared with Fluent's.
            #expect(TicketModel.writesDirectly(on: db) == !(try db.requireSQL().isPostgreSQL))
            let direct = fullTicket(requester: parley.endUser.id, agent: parley.agent.id)
            try await direct.createDirectly(on: db)
            let fluent = fullTicket(requester: parley.endUser.id, agent: parley.agent.id)
            try await fluent.create(on: db)
            let directID = try #require(direct.id)
            #expect(directID + 1 == fluent.id, "the id the database gave")
            #expect(direct._$idExists && !direct.hasChanges, "saved, nothing left to write, as after Fluent's create")
            let stored = try await TicketModel.query(on: db).filter(\.$id ~~ [directID, try fluent.requireID()]).sort(\.$id).all()
            var rows = stored.map(TicketRow.init)
            rows[0].id = rows[1].id
            #expect(rows[0] == rows[1], "every column the same")
            #expect(stored[0].description == nil && stored[0].solvedAt == nil && stored[0].type == nil)
            #expect(TicketRow(direct) == TicketRow(stored[0]), "the model holds what was stored")
        }
    }

    @Test func aSaveWritesOnlyWhatChanged() async throws {
        try await TestApp.with { parley in
            let db = parley.app.db
            let ticket = fullTicket(requester: parley.endUser.id, agent: parley.agent.id)
            try await ticket.createDirectly(on: db)
            let id = try ticket.requireID()
            // Changed behind the model's back: an UPDATE naming every column would put it back.
            try await db.requireSQL().raw("UPDATE tickets SET priority = 'low' WHERE id = \(bind: id)").run()
            ticket.status = "open"
            ticket.$assigneeID.value = .some(nil)
            try await ticket.saveDirectly(on: db)
            #expect(!ticket.hasChanges)
            let stored = try #require(try await TicketModel.find(id, on: db))
            #expect(stored.status == "open" && stored.assigneeID == nil)
            #expect(stored.priority == "low", "a field not changed is not written")
            // Nothing changed: nothing written, and the row stays as it is.
            try await db.requireSQL().raw("UPDATE tickets SET status = 'hold' WHERE id = \(bind: id)").run()
            try await ticket.saveDirectly(on: db)
            #expect(try await TicketModel.find(id, on: db)?.status == "hold")
        }
    }

    @Test func aNewModelSavesAsACreateAndKeepsItsIDForLaterUpdates() async throws {
        try await TestApp.with { parley in
            let db = parley.app.db
            let user = UserModel(name: "Ana", email: nil, phone: "+351911111111", role: .endUser, now: Date(timeIntervalSince1970: 1_700_000_000))
            try await user.saveDirectly(on: db)
            let id = try user.requireID()
            user.name = "Ana Lima"
            try await user.saveDirectly(on: db)
            #expect(try await UserModel.query(on: db).filter(\.$phone == "+351911111111").count() == 1, "an update, not a second user")
            #expect(try await UserModel.find(id, on: db)?.name == "Ana Lima")
        }
    }

    @Test func aDuplicateIsAConstraintFailureAndWritesNothing() async throws {
        try await TestApp.with { parley in
            let db = parley.app.db
            let now = Date(timeIntervalSince1970: 1_700_000_000)
            try await InboundMessageModel(wamid: "wamid.1", integrationID: 1, kind: "text", receivedAt: now).createDirectly(on: db)
            let again = InboundMessageModel(wamid: "wamid.1", integrationID: 1, kind: "text", receivedAt: now)
            do {
                try await again.createDirectly(on: db)
                Issue.record("a second row with the same message id")
            } catch let error as DatabaseError {
                #expect(error.isConstraintFailure)
            }
            #expect(!again._$idExists)
            #expect(try await InboundMessageModel.query(on: db).count() == 1)
        }
    }

    /// Kept keys are each type's own, asked for in any order and from many tasks at once.
    @Test func cachedKeysAreEachModelsKeys() async {
        let expected = [TicketModel.keys, CommentModel.keys, AuditModel.keys, UserModel.keys]
        let seen = await withTaskGroup(of: [[FieldKey]].self) { group in
            for _ in 0..<8 {
                group.addTask { [UserModel.cachedKeys, AuditModel.cachedKeys, CommentModel.cachedKeys, TicketModel.cachedKeys].reversed() }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(seen.count == 8)
        #expect(seen.allSatisfy { $0 == expected })
        #expect(Set(expected.map(\.count)).count > 1, "the types differ, so a mix-up would show")
    }

    @Test func findDirectlyIsFind() async throws {
        try await TestApp.with { parley in
            let db = parley.app.db
            let ticket = fullTicket(requester: parley.endUser.id, agent: parley.agent.id)
            try await ticket.createDirectly(on: db)
            let found = try #require(try await TicketModel.findDirectly(ticket.id, on: db))
            #expect(try encodedFields([found]) == encodedFields([try #require(try await TicketModel.find(ticket.id, on: db))]))
            #expect(found._$idExists && !found.hasChanges)
            #expect(try await TicketModel.findDirectly(nil, on: db) == nil)
            #expect(try await TicketModel.findDirectly(try ticket.requireID() + 1000, on: db) == nil)
            // A second type after the first: each has its own kept statement.
            let agent = try #require(try await UserModel.findDirectly(parley.agent.id, on: db))
            #expect(try encodedFields([agent]) == encodedFields([try #require(try await UserModel.find(parley.agent.id, on: db))]))
            let email = try #require(agent.email)
            let byEmail = try #require(try await UserModel.firstDirectly(where: "email", equals: email, on: db))
            #expect(try encodedFields([byEmail]) == encodedFields([agent]))
            #expect(try await UserModel.firstDirectly(where: "email", equals: "nobody@example.com", on: db) == nil)
            #expect(UserModel.lookupStatement(matching: "email").contains(#"WHERE "users"."email" = ? LIMIT 1"#))
            #expect(TicketModel.lookupStatement(matching: .id).contains(#"FROM "tickets" WHERE "tickets"."id" = ?"#))
            #expect(UserModel.lookupStatement(matching: .id).contains(#"FROM "users" WHERE "users"."id" = ?"#))
        }
    }
}
