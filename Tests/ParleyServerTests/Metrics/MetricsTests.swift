import Fluent
import Foundation
import ParleyCore
@testable import ParleyServer
import Testing
import Vapor
import WhatsAppCloud
import WhatsAppSimulator

/// `GET /metrics`: Prometheus' text format, Parley's counters moving by exactly what happened, gauges that match
/// the database, and who may read it.
@Suite("Metrics endpoint")
struct MetricsTests {
    /// A signed-webhook body holding `messages` of one sender.
    static func webhook(_ messages: [JSONValue]) -> Data {
        let value: JSONValue = [
            "messaging_product": "whatsapp",
            "metadata": ["display_phone_number": "15550001234", "phone_number_id": .string(ChannelHarness.phoneID)],
            "contacts": [["profile": ["name": "Eve"], "wa_id": "4915100000077", "user_id": "US.77"]],
            "messages": .array(messages),
        ]
        return JSONValue.object(["object": "whatsapp_business_account",
                                 "entry": [["id": .string(ChannelHarness.wabaID), "changes": [["field": "messages", "value": value]]]]]).encoded()
    }

    static func message(_ id: String, type: String, _ content: JSONValue) -> JSONValue {
        var message: [String: JSONValue] = [
            "from": "4915100000077", "from_user_id": "US.77", "id": .string(id),
            "timestamp": .string(String(Int(Date().timeIntervalSince1970))), "type": .string(type),
        ]
        message[type] = content
        return .object(message)
    }

    /// Scrapes as the admin (in-memory requests have no loopback address) and checks what every scrape must be.
    static func scrape(_ app: TestApp, sourceLocation: SourceLocation = #_sourceLocation) async throws -> MetricsScrape {
        let reply = try await app.send(.GET, "/metrics", as: .token(app.admin))
        #expect(reply.status == .ok, "\(reply.text)", sourceLocation: sourceLocation)
        let scrape = MetricsScrape(reply.text)
        #expect(scrape.malformed.isEmpty, "lines not in Prometheus' text format: \(scrape.malformed)", sourceLocation: sourceLocation)
        for (name, types) in scrape.types where types.count != 1 {
            Issue.record("\(name) has \(types.count) TYPE lines: two parts of /metrics use one name", sourceLocation: sourceLocation)
        }
        return scrape
    }

    /// How many tickets the database holds per status, counted without the metrics code.
    static func ticketsByStatus(_ app: TestApp) async throws -> [String: Double] {
        var counts: [String: Double] = [:]
        for status in TicketStatus.allCases {
            counts[status.rawValue] = Double(try await TicketModel.query(on: app.app.db).filter(\.$status == status.rawValue).count())
        }
        return counts
    }

    static func ticketGauges(_ scrape: MetricsScrape) -> [String: Double] {
        Dictionary(uniqueKeysWithValues: scrape.series("parley_tickets").compactMap { labels, value in labels["status"].map { ($0, value) } })
    }

    @Test func signedWebhooksMoveTheInboundCountersByExactlyTheMessagesStored() async throws {
        try await ChannelHarness.with { h in
            let before = try await Self.scrape(h.parley)
            #expect(before.value("parley_whatsapp_inbound_messages_total", ["type": "text"]) == 0, "each application counts its own")
            #expect(Self.ticketGauges(before) == (try await Self.ticketsByStatus(h.parley)))

            let body = Self.webhook([
                Self.message("wamid.m1", type: "text", ["body": "My order did not arrive"]),
                Self.message("wamid.m2", type: "text", ["body": "Order 1234"]),
                Self.message("wamid.m3", type: "image", ["id": "media.m3", "mime_type": "image/jpeg"]),
            ])
            #expect(try await h.post(body).status == .ok)
            let after = try await Self.scrape(h.parley)
            #expect(after.value("parley_whatsapp_inbound_messages_total", ["type": "text"]) == 2)
            #expect(after.value("parley_whatsapp_inbound_messages_total", ["type": "image"]) == 1)
            let total = after.series("parley_whatsapp_inbound_messages_total").values.reduce(0, +)
            #expect(total == 3)
            #expect(after.value("parley_whatsapp_inbound_duplicates_total") == 0)
            #expect(after.value("parley_tickets", ["status": "new"]) == 1)
            #expect(Self.ticketGauges(after) == (try await Self.ticketsByStatus(h.parley)))
            #expect(after.value("parley_whatsapp_media_downloads", ["status": "pending"]) == 1, "the photo waits for the fetcher")
            #expect(after.value("parley_database_up") == 1)

            // Meta redelivers the same body: nothing is stored, nothing counted as stored.
            #expect(try await h.post(body).status == .ok)
            let redelivered = try await Self.scrape(h.parley)
            #expect(redelivered.series("parley_whatsapp_inbound_messages_total").values.reduce(0, +) == 3)
            #expect(redelivered.value("parley_whatsapp_inbound_duplicates_total") == 3)

            // A forged delivery is refused and counted; nothing is stored.
            let forged = try await h.post(Self.webhook([Self.message("wamid.m4", type: "text", ["body": "x"])]), secret: "guess")
            #expect(forged.status == .unauthorized)
            let refused = try await Self.scrape(h.parley)
            #expect(refused.value("parley_whatsapp_webhook_signature_failures_total") == 1)
            #expect(refused.series("parley_whatsapp_inbound_messages_total").values.reduce(0, +) == 3)

            // The gauge is read at scrape time: solving the ticket moves it from new to solved.
            let ticketID = try #require(try await h.tickets().first?["id"]?.intValue)
            let solved = try await h.parley.send(.PUT, "/api/v2/tickets/\(ticketID)", as: .token(h.parley.agent),
                                                 json: ["ticket": ["status": "solved"]])
            #expect(solved.status == .ok, "\(solved.text)")
            let later = try await Self.scrape(h.parley)
            #expect(later.value("parley_tickets", ["status": "new"]) == 0)
            #expect(later.value("parley_tickets", ["status": "solved"]) == 1)
            #expect(Self.ticketGauges(later) == (try await Self.ticketsByStatus(h.parley)))

            // Vapor's request metrics (process-wide, shared with other tests running now): at least our deliveries.
            let webhookRequests = later.value("http_requests_total", ["method": "POST", "path": "/webhooks/whatsapp", "status": "200"]) ?? 0
            #expect(webhookRequests >= 2)
            #expect((later.value("http_requests_total", ["method": "POST", "path": "/webhooks/whatsapp", "status": "401"]) ?? 0) >= 1)
            #expect(later.types["http_request_duration_seconds"] == ["histogram"])

            // The fetcher tries the photo once (the simulator does not know that media id): counted by outcome.
            try await h.parley.app.parley.media.runOnce()
            let attachment = try #require(try await AttachmentModel.query(on: h.parley.app.db).filter(\.$mediaID == "media.m3").first())
            let fetched = try await Self.scrape(h.parley)
            let outcome = attachment.mediaStatus == "failed" ? "failed" : "retry"
            #expect(fetched.value("parley_whatsapp_media_downloads_total", ["outcome": outcome]) == 1)
            #expect(fetched.series("parley_whatsapp_media_downloads_total").values.reduce(0, +) == 1)
            #expect(fetched.value("parley_whatsapp_media_downloads", ["status": attachment.mediaStatus ?? "?"]) == 1)
        }
    }

    @Test func repliesCountAsSentAndAfterTheWindowAsRefused() async throws {
        try await ChannelHarness.with { h in
            let (_, ticketID) = try await h.startConversation()
            #expect(try await h.reply(ticketID, "Let me check").status == .ok)
            let queued = try await Self.scrape(h.parley)
            let waiting = try await OutboxModel.query(on: h.parley.app.db).filter(\.$status == "queued").count()
            #expect(waiting >= 1)
            #expect(queued.value("parley_whatsapp_outbox_backlog", ["status": "queued"]) == Double(waiting))

            try await h.flushOutbox()
            let sent = try await Self.scrape(h.parley)
            #expect(sent.value("parley_whatsapp_outbound_messages_total", ["kind": "message", "outcome": "sent"]) == 1)
            #expect(sent.value("parley_whatsapp_outbox_backlog", ["status": "queued"]) == 0)

            // Queued while the window was open, but it closed before the outbox got to it: refused by the worker.
            #expect(try await h.reply(ticketID, "One more thing").status == .ok)
            await h.simulator.advanceClock(by: 24 * 3600 + 1)
            try await h.flushOutbox()
            let lapsed = try await Self.scrape(h.parley)
            #expect(lapsed.value("parley_whatsapp_outbound_messages_total", ["kind": "message", "outcome": "window_closed"]) == 1)
            #expect(lapsed.value("parley_whatsapp_outbound_messages_total", ["kind": "message", "outcome": "failed"]) == 0)

            // Posted after the window closed: refused at once, never queued.
            #expect(try await h.reply(ticketID, "Sorry for the delay").status == .ok)
            try await h.flushOutbox()
            let refused = try await Self.scrape(h.parley)
            #expect(refused.value("parley_whatsapp_outbound_messages_total", ["kind": "message", "outcome": "window_closed"]) == 2)
            #expect(refused.value("parley_whatsapp_outbound_messages_total", ["kind": "message", "outcome": "sent"]) == 1)
            #expect(refused.value("parley_whatsapp_outbound_messages_total", ["kind": "message", "outcome": "failed"]) == 0)
            #expect(refused.value("parley_whatsapp_outbound_retries_total") == 0)
            #expect(await h.simulator.stats().acceptedSends == 1)
        }
    }

    @Test func liveConnectionsProcessFiguresAndNoSecrets() async throws {
        try await ChannelHarness.with { h in
            #expect(try await Self.scrape(h.parley).value("parley_live_connections") == 0)
            let socket = try await LiveClient.connect(h, token: h.parley.agent) { _ in }
            let scrape = try await Self.scrape(h.parley)
            #expect(scrape.value("parley_live_connections") == 1)
            try await socket.close()

            let memory = try #require(scrape.value("process_resident_memory_bytes"))
            #expect(memory > 1_000_000)
            let started = try #require(scrape.value("process_start_time_seconds"))
            #expect(started <= Date().timeIntervalSince1970 && started > Date().timeIntervalSince1970 - 24 * 3600)
            #expect((scrape.value("parley_uptime_seconds") ?? -1) >= 0)

            _ = try await h.startConversation()
            let text = try await Self.scrape(h.parley).text
            for secret in [ChannelHarness.secret, ChannelHarness.token, "verify-me", h.parley.admin.token!, h.parley.agent.token!,
                           "4915112345678", "Jane"] {
                #expect(!text.contains(secret), "/metrics shows \(secret)")
            }
        }
    }

    @Test func automationPassesAreCounted() async throws {
        try await TestApp.with { app in
            let runner = app.app.parley.automations
            #expect(try await runner.runIfDue() == 0)
            #expect(try await runner.runIfDue() == nil, "the lease holds the next pass for an hour")
            let scrape = try await Self.scrape(app)
            #expect(scrape.value("parley_automation_passes_total") == 1)
            #expect(scrape.value("parley_automation_firings_total") == 0)
        }
    }

    @Test func onlyAdminsOrALocalScraperMayReadIt() async throws {
        try await ChannelHarness.with { h in
            // In-memory requests have no peer address: they stand for a stranger on the network.
            let stranger = try await h.parley.send(.GET, "/metrics")
            #expect(stranger.status == .unauthorized)
            #expect(!stranger.text.contains("parley_"))
            #expect(try await h.parley.send(.GET, "/metrics", as: .token(h.parley.agent)).status == .forbidden)
            #expect(try await h.parley.send(.GET, "/metrics", as: .password(h.parley.endUser)).status == .forbidden)
            let admin = try await h.parley.send(.GET, "/metrics", as: .bearer(h.parley.admin))
            #expect(admin.status == .ok)
            #expect(admin.headers.first(name: .contentType)?.hasPrefix("text/plain; version=0.0.4") == true)

            // Over real HTTP from 127.0.0.1: a scraper on the same machine needs no credentials...
            let url = URI(string: h.parleyURL + "/metrics")
            let local = try await h.parley.app.client.get(url)
            #expect(local.status == .ok)
            #expect(local.headers.first(name: .contentType)?.hasPrefix("text/plain; version=0.0.4") == true)
            #expect(local.body.map { String(buffer: $0) }?.contains("# TYPE parley_tickets gauge") == true)
            // ...unless a proxy on this machine forwarded the request from elsewhere.
            for header in MetricsAccess.proxyHeaders {
                let forwarded = try await h.parley.app.client.get(url, headers: [header: "203.0.113.9"])
                #expect(forwarded.status == .unauthorized, "\(header)")
            }
        }
    }

    @Test func publicMetricsNeedNoCredentials() async throws {
        try await TestApp.with(adjust: { $0.metricsPublic = true }) { app in
            let reply = try await app.send(.GET, "/metrics")
            #expect(reply.status == .ok)
            #expect(reply.headers.first(name: .contentType)?.hasPrefix("text/plain; version=0.0.4") == true)
            #expect(MetricsScrape(reply.text).value("parley_database_up") == 1)
        }
    }

    @Test(arguments: ["127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1"])
    func loopbackAddresses(_ address: String) { #expect(MetricsAccess.isLoopback(address)) }

    @Test(arguments: ["10.0.0.1", "192.168.1.127", "::2", "fe80::1", "128.0.0.1", "::ffff:10.0.0.1"])
    func otherAddresses(_ address: String) { #expect(!MetricsAccess.isLoopback(address)) }
}
