import Fluent
import Foundation
import ParleyCore
@testable import ParleyServer
import Testing
import Vapor
import WhatsAppCloud

@Suite("WhatsApp: the kept list of connected numbers")
struct KnownIntegrationsTests {
    static let card = "4111 1111 1111 1111"

    func lastComment(_ h: ChannelHarness) async throws -> String {
        let ticketID = try #require(try await h.tickets().last?["id"]?.intValue)
        return try await h.comments(ticketID).last?["body"]?.stringValue ?? ""
    }

    @Test func aChangedSecretOrMaskingAppliesToTheNextWebhook() async throws {
        try await ChannelHarness.with(mask: true) { h in
            #expect(try await h.post(WebhookSecurityTests.textWebhook(id: "wamid.k1", text: "card \(Self.card)")).status == .ok)
            #expect(try await lastComment(h).contains(Self.card) == false)
            #expect(h.parley.app.parley.integrations.isFilled == (TestDatabase.postgresServer == nil),
                    "instances sharing PostgreSQL read the numbers each time")

            let changed = try await h.parley.send(
                .PUT, "/api/v2/channels/whatsapp/integrations/\(h.integrationID)", as: .token(h.parley.admin),
                json: ["integration": ["app_secret": "rotated-secret", "mask_credit_card_numbers": false]])
            #expect(changed.status == .ok, "\(changed.text)")

            let body = WebhookSecurityTests.textWebhook(id: "wamid.k2", text: "card \(Self.card)")
            #expect(try await h.post(body).status == .unauthorized, "the old secret is refused at once")
            #expect(try await h.post(body, secret: "rotated-secret").status == .ok)
            #expect(try await lastComment(h).contains(Self.card), "masking turned off applies at once")
        }
    }

    @Test func aTicketShowsTheNumbersTemplateSettingAsJustSaved() async throws {
        try await ChannelHarness.with { h in
            #expect(try await h.post(WebhookSecurityTests.textWebhook(id: "wamid.k6")).status == .ok)
            let ticketID = try #require(try await h.tickets().last?["id"]?.intValue)
            let shown = {
                try await h.parley.send(.GET, "/api/v2/tickets/\(ticketID)", as: .token(h.parley.agent))
                    .json["ticket"]?["whatsapp"]?["templates_enabled"]?.boolValue
            }
            let before = try #require(try await shown())
            for enabled in [!before, before] {
                let changed = try await h.parley.send(
                    .PUT, "/api/v2/channels/whatsapp/integrations/\(h.integrationID)", as: .token(h.parley.admin),
                    json: ["integration": ["templates_enabled": .bool(enabled)]])
                #expect(changed.status == .ok, "\(changed.text)")
                #expect(try await shown() == enabled)
            }
        }
    }

    @Test func aNumberConnectedOutsideTheAPIIsFoundAndADeletedOneIgnored() async throws {
        try await ChannelHarness.with { h in
            #expect(try await h.post(WebhookSecurityTests.textWebhook(id: "wamid.k3")).status == .ok)
            // As the demo connects its number: straight into the database, after webhooks were routed without it.
            let other = try await WhatsAppIntegrationModel.connected(
                phoneNumberID: "200000000000001", wabaID: ChannelHarness.wabaID, appSecret: "secret-2", on: h.parley.app.db)
            let second = try await h.post(WebhookSecurityTests.textWebhook(phoneID: "200000000000001", id: "wamid.k4"), secret: "secret-2")
            #expect(second.status == .ok)
            #expect(second.json["stored"] == 1, "\(second.text)")

            let deleted = try await h.parley.send(
                .DELETE, "/api/v2/channels/whatsapp/integrations/\(try other.requireID())", as: .token(h.parley.admin))
            #expect(deleted.status == .noContent)
            let after = try await h.post(WebhookSecurityTests.textWebhook(phoneID: "200000000000001", id: "wamid.k5"), secret: "secret-2")
            #expect(after.status == .ok)
            #expect(after.json["status"] == "ignored", "\(after.text)")
        }
    }
}
