import Fluent
import SQLKit
import Foundation
import ParleyJSON
@testable import ParleyServer
import Testing
import WhatsAppCloud
import WhatsAppSimulator

/// Malformed but correctly signed webhook bodies against the live endpoint: every answer is 2xx or 4xx, never 5xx,
/// nothing is half-stored, and the endpoint still stores a good message afterwards.
@Suite("Webhook endpoint fuzz")
struct WebhookFuzzTests {
    /// 10,000 on SQLite (the default database); the PostgreSQL run of the suite sends fewer, to keep CI in its time.
    static let cases = TestDatabase.postgresServer == nil ? 10_000 : 1_000

    @Test func malformedSignedBodiesGetNo5xx() async throws {
        let corpus = try Self.corpus()
        try await ChannelHarness.with { h in
            var mutator = WebhookMutator(seed: 7_2026)
            var statuses: [UInt: Int] = [:]
            for index in 0..<Self.cases {
                if index % 200 == 0 { await Task.yield() }
                let body = mutator.mutate(corpus[index % corpus.count])
                let reply = try await h.post(body)
                statuses[reply.status.code, default: 0] += 1
                if reply.status.code >= 500 {
                    Issue.record("\(reply.status.code) for body #\(index): \(String(decoding: body.prefix(600), as: UTF8.self))")
                    return
                }
            }
            print("endpoint fuzz: \(Self.cases) signed malformed bodies, answers \(statuses.sorted { $0.key < $1.key })")
            #expect(statuses.keys.allSatisfy { $0 < 500 })
            // Nothing half-stored: every ticket has its comment and its audit, every comment its ticket and audit.
            let sql = try #require(h.parley.app.db as? any SQLDatabase)
            for (what, query) in [
                ("tickets without a comment", "SELECT count(*) AS n FROM tickets t WHERE NOT EXISTS (SELECT 1 FROM comments c WHERE c.ticket_id = t.id)"),
                ("tickets without an audit", "SELECT count(*) AS n FROM tickets t WHERE NOT EXISTS (SELECT 1 FROM audits a WHERE a.ticket_id = t.id)"),
                ("comments without their ticket or audit", """
                    SELECT count(*) AS n FROM comments c WHERE NOT EXISTS (SELECT 1 FROM tickets t WHERE t.id = c.ticket_id)
                    OR NOT EXISTS (SELECT 1 FROM audits a WHERE a.id = c.audit_id)
                    """),
            ] {
                let count = try await sql.raw(SQLQueryString(query)).first()?.decode(column: "n", as: Int.self)
                #expect(count == 0, "\(what): \(count ?? -1)")
            }
            let tickets = try await TicketModel.query(on: h.parley.app.db).count()
            #expect(tickets > 0, "the fuzz stored no ticket at all: the bodies never reached the threading")
            // Still healthy: a good message is stored.
            let good = WebhookFactory.textMessage(
                .init(id: ChannelHarness.phoneID, displayNumber: "15550001234", wabaID: ChannelHarness.wabaID),
                from: SimulatedUser(bsuid: "US.4000000000000000001", name: "After Fuzz", phone: "4915100000777", username: nil),
                text: "still here", sentAt: Date())
            let reply = try await h.post(good.encoded())
            #expect(reply.status == .ok)
            #expect(try await CommentModel.query(on: h.parley.app.db).filter(\.$body == "still here").count() == 1)
        }
    }

    /// The corpus, pointed at the harness's number (as the corpus test does).
    static func corpus() throws -> [JSONValue] {
        try WebhookCorpus.samples().map { try JSONValue.parse(WebhookCorpus.addressed($0.body)) }
    }
}
