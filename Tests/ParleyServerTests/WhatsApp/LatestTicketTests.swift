import Fluent
import Foundation
import ParleyCore
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

            // The look-up that finds the person by an identity brings the same ticket along (SQLite, in one query).
            let resolver = EndUserResolver(db: db, now: Date())
            let identity = UserIdentityModel(userID: parley.endUser.id, type: IdentityType.whatsappBSUID.rawValue, value: "PT.req",
                                             primary: true, now: Date())
            try await identity.create(on: db)
            let found = try await resolver.resolve(bsuid: "PT.req", phone: nil, username: nil, name: nil, newestTicketOn: integrationID)
            #expect(found.user.id == parley.endUser.id)
            if TestDatabase.postgresServer == nil {
                guard case .ticket(let along) = found.newestTicket else { Issue.record("not read along: \(found.newestTicket)"); return }
                #expect(try encodedFields([along]) == encodedFields([fluent]))
            } else {
                guard case .notRead = found.newestTicket else { Issue.record("PostgreSQL reads it on its own"); return }
            }
            let other = try await WhatsAppIntegrationModel.connected(phoneNumberID: "1002", wabaID: "2001", appSecret: "secret", on: db)
            let elsewhere = try await resolver.resolve(bsuid: "PT.req", phone: nil, username: nil, name: nil,
                                                       newestTicketOn: try other.requireID())
            #expect(try await inbound.latestTicket(elsewhere.newestTicket, of: parley.endUser.id, on: try other.requireID()) == nil,
                    "no ticket on the other number")
            if TestDatabase.postgresServer == nil, case .ticket = elsewhere.newestTicket { Issue.record("a ticket of another number") }
            let newcomer = try await resolver.resolve(bsuid: "PT.new", phone: "351933333333", username: nil, name: "New",
                                                      newestTicketOn: integrationID)
            guard case .absent = newcomer.newestTicket else { Issue.record("someone new has no ticket: \(newcomer.newestTicket)"); return }
        }
    }
}
