import Foundation
import ParleyCore
@testable import ParleyServer
import Testing
import Vapor

@Suite("Persistence")
struct PersistenceTests {
    @Test func dataSurvivesARestartOnTheSameDatabase() async throws {
        let database = try await TestDatabase.make()
        defer { Task { await database.drop() } }
        var ticketID = 0
        try await TestApp.run(on: database) { t in
            let ticket = try await t.createTicket(subject: "Persist me", body: "first words")
            ticketID = try #require(ticket["id"]?.intValue)
            _ = try await t.send(.PUT, "/api/v2/tickets/\(ticketID)", as: .token(t.agent),
                                 json: ["ticket": ["comment": ["body": "second words", "public": false]]])
        }
        // A second application on the same file (or database) sees everything; migrations do not run twice.
        let app = try await Application.make(.testing)
        do {
            try await configure(app, settings: ParleySettings(
                databaseURL: database.url, dataDirectory: database.dataDirectory, bcryptCost: 4, logLevel: .warning))
            let ticket = try await TicketModel.find(ticketID, on: app.db)
            #expect(ticket?.subject == "Persist me")
            let comments = try await CommentModel.query(on: app.db).filter(\.$ticketID == ticketID).all()
            #expect(comments.map(\.body).sorted() == ["first words", "second words"])
            let audits = try await AuditModel.query(on: app.db).filter(\.$ticketID == ticketID).count()
            #expect(audits == 2)
            if database.url == nil {
                let mode = try await (app.db as! SQLDatabase).raw("PRAGMA journal_mode").first(decoding: [String: String].self)
                #expect(mode?.values.first == "wal")
                // The group commits' own connections sync each commit: an acknowledged webhook is never resent.
                let writer = try #require(DatabaseSetup.writer(of: app, settings: app.parley.settings) as? SQLDatabase)
                let sync = try await writer.raw("PRAGMA synchronous").first(decoding: [String: Int].self)
                #expect(sync?.values.first == 2, "FULL")
                let writerMode = try await writer.raw("PRAGMA journal_mode").first(decoding: [String: String].self)
                #expect(writerMode?.values.first == "wal")
            }
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }
}

import SQLKit
import Fluent
