import Foundation
import ParleyCore
@testable import ParleyServer
import Testing

/// The statements the inbound writer runs for every message are prepared once, whatever the number's id
/// (SQLite re-prepared them when an integer bound in them was 0 or 1, as the first number's id is).
@Suite("Inbound statements prepared once")
struct PreparedOnceTests {
    @Test func thePersonAndTicketLookUpsArePreparedOnce() async throws {
        guard TestDatabase.postgresServer == nil else { return }  // SQLite's planner only
        try await TestDatabase.with(probe)
    }

    private func probe(_ database: TestDatabase) async throws {
        try await TestApp.run(on: database) { parley in
            let db = parley.app.db
            let integration = try await WhatsAppIntegrationModel.connected(phoneNumberID: "1001", wabaID: "2001", appSecret: "secret", on: db)
            let integrationID = try integration.requireID()
            #expect(integrationID == 1, "the case SQLite re-prepared for: the first number connected")
            let file = database.dataDirectory + "/parley.sqlite"
            let lookUp = EndUserResolver.ownerWithIdentitiesAndNewestTicketSQL
            let byIdentity: [PreparedStatementProbe.Bind] = [.integer(Int64(integrationID)), .text(IdentityType.whatsappBSUID.rawValue), .text("US.1")]
            #expect(try PreparedStatementProbe.reprepares(lookUp, binds: byIdentity, onFile: file) == 0)
            let latest: [PreparedStatementProbe.Bind] = [.integer(Int64(parley.endUser.id)), .integer(Int64(integrationID))]
            #expect(try PreparedStatementProbe.reprepares(InboundService.latestTicketSQL, binds: latest, onFile: file) == 0)

            // Written with a plain `?`, the same statements are prepared twice: the probe sees what it is meant to.
            let plain = lookUp.replacingOccurrences(of: "= +?", with: "= ?")
            #expect(plain != lookUp)
            #expect(try PreparedStatementProbe.reprepares(plain, binds: byIdentity, onFile: file) == 1)
            let plainLatest = InboundService.latestTicketSQL.replacingOccurrences(of: "= +?", with: "= ?")
            #expect(try PreparedStatementProbe.reprepares(plainLatest, binds: latest, onFile: file) == 1)
        }
    }
}
