import Fluent
import Foundation
@testable import ParleyServer
import Testing

/// The ticket a message joins: the requester's newest on that number (written by hand on SQLite).
@Suite("The ticket a message joins")
struct LatestTicketTests {
    @Test func theNewestOfThisRequesterOnThisNumber() async throws {
        try await TestApp.with { parley in
            let db = parley.app.db
            let integration = try await WhatsAppIntegrationModel.connected(phoneNumberID: "1001", wabaID: "2001", appSecret: "secret", on: db)
            let integrationID = try integration.requireID()
            var made: [Int] = []
            for (requester, onNumber) in [(parley.endUser.id, true), (parley.endUser.id, true), (parley.agent.id, true), (parley.endUser.id, false)] {
                let ticket = TicketModel()
                ticket.status = "open"
                ticket.tagsText = ""
                ticket.viaChannel = onNumber ? "whatsapp" : "api"
                ticket.requesterID = requester
                ticket.whatsappIntegrationID = onNumber ? integrationID : nil
                ticket.createdAt = Date(timeIntervalSince1970: 1_700_000_000)
                ticket.updatedAt = Date(timeIntervalSince1970: 1_700_000_000)
                ticket.lastEndUserMessageAt = Date(timeIntervalSince1970: 1_700_000_000.5)
                try await ticket.create(on: db)
                made.append(try ticket.requireID())
            }
            let inbound = InboundService(db: db, now: Date(), logger: parley.app.logger)
            let latest = try #require(try await inbound.latestTicket(of: parley.endUser.id, on: integrationID))
            #expect(latest.id == made[1], "the newer of the two on this number, not the one by API nor another requester's")
            let fluent = try #require(try await TicketModel.find(made[1], on: db))
            #expect(try encodedFields([latest]) == encodedFields([fluent]))
            #expect(try await inbound.latestTicket(of: parley.admin.id, on: integrationID) == nil)
        }
    }
}
