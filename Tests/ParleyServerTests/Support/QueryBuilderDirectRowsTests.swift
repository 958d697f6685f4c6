import Fluent
import Foundation
import SQLKit
import SQLiteNIO
@testable import ParleyServer
import Testing

/// `allReadingRowsDirectly` fills the same models as Fluent's `all()` (on PostgreSQL it is `all()`).
@Suite("Reading rows straight into models")
struct QueryBuilderDirectRowsTests {
    private func tickets(on db: Database, requester: Int, agent: Int) async throws {
        let bare = TicketModel()
        bare.status = "new"
        bare.tagsText = ""
        bare.viaChannel = "api"
        bare.createdAt = Date(timeIntervalSince1970: 1_600_000_000)
        bare.updatedAt = Date(timeIntervalSince1970: 1_600_000_000)
        try await bare.create(on: db)

        let full = TicketModel()
        full.subject = "Card declined – ünïcode 🎉"
        full.description = "Line one\nline \"two\""
        full.status = "pending"
        full.priority = "high"
        full.type = "problem"
        full.tagsText = "vip whatsapp"
        full.requesterID = requester
        full.submitterID = agent
        full.assigneeID = agent
        full.externalID = "ext-1"
        full.viaChannel = "whatsapp"
        full.viaSource = #"{"from":{"name":"Ana"}}"#
        full.followupSourceID = bare.id
        full.createdAt = Date(timeIntervalSince1970: 1_700_000_000.125)
        full.updatedAt = Date(timeIntervalSince1970: 1_700_000_100.5)
        full.solvedAt = Date(timeIntervalSince1970: 1_700_000_200)
        full.lastEndUserMessageAt = Date(timeIntervalSince1970: 1_700_000_050.75)
        full.statusChangedAt = Date(timeIntervalSince1970: 1_700_000_060)
        full.assignedAt = Date(timeIntervalSince1970: 1_700_000_070)
        full.requesterUpdatedAt = Date(timeIntervalSince1970: 1_700_000_080)
        try await full.create(on: db)

    }

    @Test func everyFieldReadsTheSameAsFluentsOwn() async throws {
        try await TestApp.with { parley in
            let db = parley.app.db
            try await tickets(on: db, requester: parley.endUser.id, agent: parley.agent.id)
            try await identities(of: parley.endUser.id, on: db)
            let query = { TicketModel.query(on: db).sort(\.$id, .descending) }
            let direct = try await query().allReadingRowsDirectly()
            #expect(direct.count == 2)
            #expect(try encodedFields(direct) == encodedFields(try await query().all()))
            #expect(direct.last?.solvedAt == nil && direct.first?.subject == "Card declined – ünïcode 🎉")

            // Booleans and dates of another model, a filter with binds, a page.
            let identities = { UserIdentityModel.query(on: db).filter(\.$userID ~~ [parley.endUser.id, parley.agent.id]).sort(\.$id).range(0..<5) }
            let directIdentities = try await identities().allReadingRowsDirectly()
            #expect(!directIdentities.isEmpty)
            #expect(try encodedFields(directIdentities) == encodedFields(try await identities().all()))
        }
    }

    private func identities(of user: Int, on db: Database) async throws {
        try await UserIdentityModel(userID: user, type: "phone_number", value: "+351911111111", primary: true, now: Date(timeIntervalSince1970: 1_700_000_000.25)).create(on: db)
        let second = UserIdentityModel(userID: user, type: "whatsapp_bsuid", value: "PT.1234", primary: false, now: Date())
        second.verified = true
        try await second.create(on: db)
    }

    @Test func selectedFieldsOnlyAndTheRestUnset() async throws {
        try await TestApp.with { parley in
            let db = parley.app.db
            try await identities(of: parley.endUser.id, on: db)
            let rows = try await UserIdentityModel.query(on: db).filter(\.$userID == parley.endUser.id)
                .field(\.$userID).field(\.$value).allReadingRowsDirectly()
            let fluent = try await UserIdentityModel.query(on: db).filter(\.$userID == parley.endUser.id)
                .field(\.$userID).field(\.$value).all()
            #expect(!rows.isEmpty)
            #expect(rows.map(\.value) == fluent.map(\.value))
            #expect(rows.allSatisfy { $0.userID == parley.endUser.id })
            #expect(rows.allSatisfy { $0.$type.value == nil && $0.$primary.value == nil }, "a field not selected is not set")
        }
    }

    @Test func aModelReadDirectlySavesInPlace() async throws {
        try await TestApp.with { parley in
            let db = parley.app.db
            try await tickets(on: db, requester: parley.endUser.id, agent: parley.agent.id)
            let ticket = try #require(try await TicketModel.query(on: db).filter(\.$status == "new").allReadingRowsDirectly().first)
            #expect(!ticket.hasChanges)
            ticket.status = "open"
            try await ticket.save(on: db)
            #expect(try await TicketModel.query(on: db).count() == 2, "an update, not a second ticket")
            #expect(try await TicketModel.find(ticket.requireID(), on: db)?.status == "open")
        }
    }

    @Test func aWrongTypeIsAnErrorNotAGuess() async throws {
        try await TestApp.with { parley in
            let db = parley.app.db
            try await tickets(on: db, requester: parley.endUser.id, agent: parley.agent.id)
            // SQLite keeps whatever a column is given: a date that is not one must fail as Fluent's own read does.
            let sql = try db.requireSQL()
            guard !sql.isPostgreSQL else { return }
            try await sql.raw("UPDATE tickets SET created_at = 'not a date' WHERE status = 'new'").run()
            await #expect(throws: (any Error).self) { try await TicketModel.query(on: db).allReadingRowsDirectly() }
            await #expect(throws: (any Error).self) { try await TicketModel.query(on: db).all() }
        }
    }

    @Test func aJoinListsItsColumnsOnceAndReadsTheSame() async throws {
        try await TestApp.with { parley in
            let db = parley.app.db
            try await identities(of: parley.endUser.id, on: db)
            let join = {
                UserIdentityModel.query(on: db).join(UserModel.self, on: \UserIdentityModel.$userID == \UserModel.$id)
                    .filter(UserModel.self, \.$id == parley.endUser.id).sort(\.$id)
            }
            let listed = try await join().fields(for: UserIdentityModel.self).fields(for: UserModel.self).fieldsAsOneList().all()
            let fluent = try await join().all()
            #expect(listed.count == 2)
            #expect(try encodedFields(listed) == encodedFields(fluent))
            #expect(try listed.map { try $0.joined(UserModel.self).email } == fluent.map { try $0.joined(UserModel.self).email })
            // Nothing selected on a join: left to Fluent, which reads every joined model's columns.
            let unlisted = try await join().fieldsAsOneList().all()
            #expect(try unlisted.map { try $0.joined(UserModel.self).name } == fluent.map { try $0.joined(UserModel.self).name })
        }
    }

    @Test func theFirstIsFluentsFirst() async throws {
        try await TestApp.with { parley in
            let db = parley.app.db
            try await tickets(on: db, requester: parley.endUser.id, agent: parley.agent.id)
            let newest = try await TicketModel.query(on: db).sort(\.$id, .descending).firstReadingRowDirectly()
            #expect(try encodedFields([try #require(newest)]) == encodedFields([try #require(try await TicketModel.query(on: db).sort(\.$id, .descending).first())]))
            #expect(try await TicketModel.query(on: db).filter(\.$status == "nothing").firstReadingRowDirectly() == nil)
        }
    }

    @Test func identifiersAreQuotedAndEscaped() async throws {
        try await TestApp.with { parley in
            let sql = try parley.app.db.requireSQL()
            let list = try #require(SelectList([.extendedPath(["sub\"ject"], schema: "tickets", space: nil), .extendedPath([.id], schema: "tickets", space: nil)],
                                               aliases: .fluent, on: sql))
            #expect(list.sql == #""tickets"."sub""ject" AS "tickets_sub""ject", "tickets"."id" AS "tickets_id""#)
            #expect(SelectList([.extendedPath(["a", "b"], schema: "tickets", space: nil)], aliases: .bare, on: sql) == nil, "a nested path is not a column")
            #expect(SelectList([.custom(SQLRaw("1"))], aliases: .bare, on: sql) == nil)
            #expect(SelectList(columns: ["sub\"ject", "id"], of: "tickets").sql == #""tickets"."sub""ject" AS "sub""ject", "tickets"."id" AS "id""#)
            // The ticket rows' list, built once, is the one a direct read would build.
            let built = try #require(SelectList(TicketRow.columns.map { .extendedPath([$0], schema: "tickets", space: nil) }, aliases: .bare, on: sql))
            #expect(TicketRow.selectList.sql == built.sql)
        }
    }

    @Test func ticketRowsHoldEveryColumnAsTheModelDoes() async throws {
        try await TestApp.with { parley in
            let db = parley.app.db
            try await tickets(on: db, requester: parley.endUser.id, agent: parley.agent.id)
            let query = { TicketModel.query(on: db).filter(\.$viaChannel ~~ ["api", "whatsapp"]).sort(\.$id, .descending) }
            let rows = try await query().ticketRows()
            let models = try await query().all()
            #expect(rows.count == 2)
            #expect(rows == models.map(TicketRow.init), "every column read the same")
            #expect(rows[0].subject == "Card declined – ünïcode 🎉" && rows[0].lastEndUserMessageAt != nil && rows[0].tags == ["vip", "whatsapp"])
            #expect(rows[1].solvedAt == nil && rows[1].requesterID == nil && rows[1].tags.isEmpty)
            // A page of them, as lists read it.
            #expect(try await query().range(1..<2).ticketRows() == [rows[1]])
        }
    }

    @Test func plainRowsOfSelectedColumns() async throws {
        try await TestApp.with { parley in
            let db = parley.app.db
            try await identities(of: parley.endUser.id, on: db)
            let rows = try await UserIdentityModel.query(on: db).filter(\.$userID == parley.endUser.id).sort(\.$id)
                .field(\.$type).field(\.$value)
                .plainRows(sqlite: { "\(try $0.value("type", as: String.self))=\(try $0.value("value", as: String.self))" },
                           models: { "\($0.type)=\($0.value)" })
            let expected = try await UserIdentityModel.query(on: db).filter(\.$userID == parley.endUser.id).sort(\.$id).all()
                .map { "\($0.type)=\($0.value)" }
            #expect(rows == expected && rows.contains("whatsapp_bsuid=PT.1234"))
        }
    }

    @Test func aRowValueOfTheWrongTypeOrMissingIsAnError() async throws {
        try await TestApp.with { parley in
            let db = parley.app.db
            try await tickets(on: db, requester: parley.endUser.id, agent: parley.agent.id)
            let sql = try db.requireSQL()
            guard !sql.isPostgreSQL else { return }
            let row = try #require(try await TicketModel.query(on: db).filter(\.$status == "pending").field(\.$subject).field(\.$status)
                .plainRows(sqlite: { $0 }, models: { _ in nil as SQLiteRow? }).first ?? nil)
            #expect(throws: SQLiteColumnError.self) { try row.value("subject", as: Int.self) }
            #expect(throws: SQLiteColumnError.self) { try row.value("priority", as: String.self) }
            #expect(try row.optionalValue("subject", as: String.self) == "Card declined – ünïcode 🎉")
            try await sql.raw("UPDATE tickets SET created_at = 'not a date' WHERE status = 'new'").run()
            await #expect(throws: SQLiteColumnError.self) { try await TicketModel.query(on: db).ticketRows() }
        }
    }
}
