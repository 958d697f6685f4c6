import Fluent
import Foundation
import ParleyCore
@testable import ParleyServer
import SQLKit
import Testing
import Vapor
import WhatsAppSimulator

@Suite("Credit card redaction on WhatsApp")
struct RedactionTests {
    static let card = "4242 4242 4242 4242"
    static let digits = "4242424242424242"
    static let masked = "4242 42▇▇ ▇▇▇▇ 4242"

    /// Every text Parley stored, read back through SQL, plus the SQLite files' raw bytes.
    static func everythingStored(_ h: ChannelHarness) async throws -> String {
        let sql = try #require(h.parley.app.db as? SQLDatabase)
        var text = ""
        for (table, columns) in [("comments", ["body", "html_body", "metadata"]), ("audits", ["events"]),
                                 ("tickets", ["subject", "description"]), ("attachments", ["file_name"]),
                                 ("whatsapp_webhook_records", ["payload"]), ("users", ["name"])]
        {
            for row in try await sql.select().columns(columns.map { SQLIdentifier($0) }).from(table).all() {
                for column in columns { text += ((try? row.decode(column: column, as: String?.self)) ?? nil) ?? "" }
            }
        }
        if h.parley.app.parley.settings.databaseURL == nil {
            let path = h.parley.app.parley.settings.sqlitePath
            for suffix in ["", "-wal"] {
                if let data = FileManager.default.contents(atPath: path + suffix) { text += String(decoding: data, as: UTF8.self) }
            }
        }
        return text
    }

    @Test func cardNumbersNeverReachTheDatabase() async throws {
        try await ChannelHarness.with { h in
            let jane = await h.simulator.createUser(name: "Jane", phone: "4915112345678")
            _ = try await h.userSends(jane, ["type": "text", "text": .string("my card is \(Self.card), exp 12/29")])
            _ = try await h.userSends(jane, ["type": "image", "caption": .string("photo of \(Self.digits)")])
            _ = try await h.userSends(jane, ["type": "contacts", "name": "Card Holder", "phone": "+4915100000000",
                                             "email": .string("\(Self.digits)@example.com")])
            _ = try await h.userSends(jane, ["type": "location", "name": .string("Card \(Self.card)"), "latitude": 1, "longitude": 2])
            let stored = try await Self.everythingStored(h)
            #expect(!stored.contains(Self.card))
            #expect(!stored.contains(Self.digits))
            #expect(stored.contains(Self.masked))
            #expect(stored.contains("424242▇▇▇▇▇▇4242"))
            #expect(stored.contains("+4915100000000"), "phone numbers are left alone")

            let ticketID = try #require(try await h.tickets().first?["id"]?.intValue)
            let comments = try await h.comments(ticketID)
            #expect(comments[0]["body"] == .string("my card is \(Self.masked), exp 12/29"))
            let redactions = try await h.audits(ticketID).flatMap { $0["events"]?.arrayValue ?? [] }.filter { $0["type"] == "Redaction" }
            #expect(redactions.count == 4)
            #expect(redactions.allSatisfy { !$0.encodedString().contains("4242 4242") })
        }
    }

    /// A profile name becomes the user's name, and an order carries the customer's note: both are typed by a
    /// person, both are masked.
    @Test func profileNamesAndOrderNotesAreMaskedToo() async throws {
        try await ChannelHarness.with { h in
            let payer = await h.simulator.createUser(name: "Pay \(Self.card)", phone: "4915112345678")
            let number = SimulatorConfiguration.PhoneNumber(id: ChannelHarness.phoneID, displayNumber: "15550001234",
                                                            wabaID: ChannelHarness.wabaID)
            let order: JSONValue = [
                "id": .string(WebhookFactory.messageID()), "from": "4915112345678", "from_user_id": .string(payer.bsuid),
                "timestamp": .string(String(Int(h.simulator.clock.now.timeIntervalSince1970))), "type": "order",
                "order": ["catalog_id": "1234", "text": .string("charge \(Self.digits) please"),
                          "product_items": [["product_retailer_id": "sku-1", "quantity": 1, "item_price": 9.5, "currency": "EUR"]]],
            ]
            let reply = try await h.post(WebhookFactory.message(number, from: payer, message: order).encoded())
            #expect(reply.status == .ok)
            let stored = try await Self.everythingStored(h)
            #expect(!stored.contains(Self.card))
            #expect(!stored.contains(Self.digits))
            #expect(stored.contains("sku-1"), "product ids are kept")
            let requester = try #require(try await h.tickets().first?["requester_id"]?.intValue)
            let user = try await h.parley.send(.GET, "/api/v2/users/\(requester)", as: .token(h.parley.agent)).json["user"]
            #expect(user?["name"] == .string("Pay \(Self.masked)"))
        }
    }

    @Test func anAdminCanTurnMaskingOffThroughTheAPI() async throws {
        try await ChannelHarness.with { h in
            let off = try await h.parley.send(.PUT, "/api/v2/channels/whatsapp/integrations/\(h.integrationID)", as: .token(h.parley.admin),
                                              json: ["integration": ["mask_credit_card_numbers": false]])
            #expect(off.json["integration"]?["mask_credit_card_numbers"] == false)
            let jane = await h.simulator.createUser(name: "Jane", phone: "4915112345678")
            _ = try await h.userSends(jane, ["type": "text", "text": .string("my card is \(Self.card)")])
            let ticketID = try #require(try await h.tickets().first?["id"]?.intValue)
            #expect(try await h.comments(ticketID)[0]["body"] == .string("my card is \(Self.card)"))
        }
    }
}
