import Fluent
import Foundation
import ParleyCore
@testable import ParleyServer
import Testing
import Vapor
import WhatsAppCloud
import WhatsAppSimulator

@Suite("WhatsApp webhook endpoint")
struct WebhookSecurityTests {
    static func textWebhook(phoneID: String = ChannelHarness.phoneID, id: String = "wamid.test1", text: String = "hi") -> Data {
        let value: JSONValue = [
            "messaging_product": "whatsapp",
            "metadata": ["display_phone_number": "15550001234", "phone_number_id": .string(phoneID)],
            "contacts": [["profile": ["name": "Eve"], "wa_id": "4915100000077", "user_id": "US.77"]],
            "messages": [["from": "4915100000077", "from_user_id": "US.77", "id": .string(id),
                          "timestamp": .string(String(Int(Date().timeIntervalSince1970))), "type": "text", "text": ["body": .string(text)]]],
        ]
        return JSONValue.object(["object": "whatsapp_business_account",
                                 "entry": [["id": .string(ChannelHarness.wabaID), "changes": [["field": "messages", "value": value]]]]]).encoded()
    }

    @Test func signaturesAreRequiredAndNothingIsStoredWithoutOne() async throws {
        try await ChannelHarness.with { h in
            let body = Self.textWebhook()
            let missing = try await h.post(body, secret: nil)
            #expect(missing.status == .unauthorized)
            let wrong = try await h.post(body, secret: "not-the-secret")
            #expect(wrong.status == .unauthorized)
            #expect(wrong.json["error"] == "InvalidSignature")
            var tampered = body
            tampered.append(contentsOf: Array(" ".utf8))
            var headers = HTTPHeaders()
            headers.replaceOrAdd(name: SignatureVerifier.headerName, value: SignatureVerifier.signature(for: body, secret: ChannelHarness.secret))
            #expect(try await h.parley.send(.POST, "/webhooks/whatsapp", headers: headers, bytes: tampered).status == .unauthorized)
            #expect(try await h.tickets().isEmpty)
            #expect(try await InboundMessageModel.query(on: h.parley.app.db).count() == 0)

            #expect(try await h.post(body).status == .ok)
            #expect(try await h.tickets().count == 1)
        }
    }

    @Test func unknownNumbersAreAcknowledgedAndIgnoredBadBodiesRefused() async throws {
        try await ChannelHarness.with { h in
            let unknown = try await h.post(Self.textWebhook(phoneID: "999000"), secret: "whatever")
            #expect(unknown.status == .ok)
            #expect(try await h.tickets().isEmpty)
            let broken = try await h.post(Data("{\"entry\": [".utf8))
            #expect(broken.status == .badRequest)
            #expect(broken.json["error"] != nil)
            let empty = try await h.post(Data())
            #expect(empty.status == .badRequest)
            let tooBig = try await h.post(Data(repeating: UInt8(ascii: " "), count: WebhookController.maxBodyBytes + 10))
            #expect(tooBig.status == .payloadTooLarge)
        }
    }

    @Test func verificationHandshake() async throws {
        try await ChannelHarness.with { h in
            let good = await h.simulator.verifyWebhook(verifyToken: "verify-me")
            #expect(good["ok"] == true)
            let bad = await h.simulator.verifyWebhook(verifyToken: "nope")
            #expect(bad["ok"] == false)
            #expect(bad["status"] == 403)
            let wrongMode = try await h.parley.send(.GET, "/webhooks/whatsapp?hub.mode=unsubscribe&hub.verify_token=verify-me&hub.challenge=1")
            #expect(wrongMode.status == .forbidden)
        }
    }

    @Test func integrationSecretsAreWriteOnlyAndAdminOnly() async throws {
        try await ChannelHarness.with { h in
            let list = try await h.parley.send(.GET, "/api/v2/channels/whatsapp/integrations", as: .token(h.parley.admin))
            #expect(list.status == .ok)
            #expect(!list.text.contains(ChannelHarness.token))
            #expect(!list.text.contains(ChannelHarness.secret))
            #expect(list.json["integrations"]?[0]?["access_token_set"] == true)
            #expect(list.json["integrations"]?[0]?["mask_credit_card_numbers"] == true)
            #expect(list.json["integrations"]?[0]?["health"]?["status"] == "ok")
            #expect(list.json["integrations"]?[0]?["webhook_url"]?.stringValue?.hasSuffix("/webhooks/whatsapp") == true)
            #expect(try await h.parley.send(.GET, "/api/v2/channels/whatsapp/integrations", as: .token(h.parley.agent)).status == .forbidden)
            let duplicate = try await h.parley.send(.POST, "/api/v2/channels/whatsapp/integrations", as: .token(h.parley.admin), json: [
                "integration": ["phone_number_id": .string(ChannelHarness.phoneID), "waba_id": "1", "access_token": "t", "app_secret": "s"],
            ])
            #expect(duplicate.status == .unprocessableEntity)
            let missing = try await h.parley.send(.POST, "/api/v2/channels/whatsapp/integrations", as: .token(h.parley.admin),
                                                  json: ["integration": ["name": "x"]])
            #expect(missing.status == .unprocessableEntity)
            #expect(missing.json["details"]?["phone_number_id"] != nil && missing.json["details"]?["app_secret"] != nil)
        }
    }

    /// Every body of the corpus (74, from pywa's test suite), addressed to our number and signed: never a 5xx.
    @Test func theWholeCorpusIsAccepted() async throws {
        try await ChannelHarness.with { h in
            var posted = 0
            var messageIDs = Set<String>()
            for (name, sample) in try WebhookCorpus.samples() {
                let body = WebhookCorpus.addressed(sample)
                for entry in sample["entry"]?.arrayValue ?? [] {
                    for change in entry["changes"]?.arrayValue ?? [] where change["field"] == "messages" {
                        for message in change["value"]?["messages"]?.arrayValue ?? [] {
                            if let id = message["id"]?.stringValue, message["group_id"] == nil { messageIDs.insert(id) }
                        }
                    }
                }
                let reply = try await h.post(body)
                #expect(reply.status.code < 500, "\(name): \(reply.status) \(reply.text)")
                #expect(reply.status == .ok, "\(name): \(reply.text)")
                posted += 1
            }
            #expect(posted == 74)
            #expect(try await h.tickets().count >= 1)
            // The samples reuse a handful of message ids: each distinct id is stored once.
            let ledger = try await InboundMessageModel.query(on: h.parley.app.db).count()
            #expect(ledger >= messageIDs.count - 1 && ledger <= messageIDs.count + 4)
            #expect(try await CommentModel.query(on: h.parley.app.db).count() >= 3)
        }
    }
}
