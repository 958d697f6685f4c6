@testable import ParleyServer
import SQLKit
import Testing

/// The work queues' look-ups read an index, not the whole table (which grows with every reply and every file).
@Suite("Queue indexes")
struct QueueIndexesTests {
    static let lookups: [(what: String, sql: String, index: String)] = [
        ("the outbox's claimed batch", "SELECT * FROM whatsapp_outbox WHERE claim = 'x' ORDER BY id", "outbox_claim"),
        ("a comment's waiting outbox rows",
         "SELECT COUNT(*) FROM whatsapp_outbox WHERE comment_id = 1 AND kind <> 'read' AND status IN ('queued', 'sending')",
         "outbox_comment"),
        ("a ticket's read receipts",
         "SELECT COUNT(*) FROM whatsapp_outbox WHERE ticket_id = 1 AND kind = 'read' AND payload = '{}' AND status <> 'failed'",
         "outbox_ticket_kind"),
        ("a comment's sent parts", "SELECT * FROM whatsapp_outbound_ids WHERE comment_id = 1", "outbound_ids_comment"),
        ("the media downloads' claimed batch", "SELECT * FROM attachments WHERE media_claim = 'x' ORDER BY id",
         "attachments_media_claim"),
    ]

    private struct Step: Decodable { let detail: String }

    @Test(arguments: lookups.map(\.what))
    func readsAnIndex(_ what: String) async throws {
        let lookup = try #require(Self.lookups.first { $0.what == what })
        try await TestApp.with { t in
            guard TestDatabase.postgresServer == nil else { return }
            let sql = try #require(t.app.db as? SQLDatabase)
            let plan = try await sql.raw(SQLQueryString("EXPLAIN QUERY PLAN " + lookup.sql)).all(decoding: Step.self).map(\.detail)
            #expect(plan.contains { $0.contains("INDEX \(lookup.index)") }, "\(what): \(plan)")
            #expect(!plan.contains { $0.hasPrefix("SCAN") }, "\(what): \(plan)")
        }
    }
}
