import Foundation
import ParleyCore
@testable import ParleyServer
import Testing
import WhatsAppCloud

/// Which webhooks a group commit may run side by side: those about different people.
@Suite("The people a webhook is about")
struct ConversationKeysTests {
    private func events(_ value: [String: JSONValue]) throws -> [WebhookEvent] {
        let body: JSONValue = ["object": "whatsapp_business_account", "entry": [[
            "id": "WABA", "changes": [["field": "messages", "value": .object(
                ["messaging_product": "whatsapp", "metadata": ["display_phone_number": "15550001234", "phone_number_id": "PHONE"]]
                    .merging(value) { $1 })]],
        ]]]
        return try WebhookParser.parse(body)
    }

    @Test func aMessageIsAboutItsSenderByEveryIdentity() throws {
        let message = try events([
            "contacts": [["profile": ["name": "Ana", "username": "ana.l"], "wa_id": "351911111111", "user_id": "PT.ana"]],
            "messages": [["from": "351911111111", "from_user_id": "PT.ana", "id": "wamid.1", "timestamp": "1700000000",
                          "type": "text", "text": ["body": "hi"]]],
        ])
        #expect(InboundService.conversationKeys(message) == ["phone:351911111111", "user:PT.ana", "username:ana.l"])
        // Both webhooks name the same number: they run in one lane, in order.
        let byPhoneOnly = try events(["messages": [["from": "+351 911 111 111", "id": "wamid.2", "timestamp": "1700000000",
                                                    "type": "text", "text": ["body": "again"]]]])
        #expect(InboundService.conversationKeys(byPhoneOnly) == ["phone:351911111111"])
    }

    @Test func aStatusIsAboutItsRecipient() throws {
        let status = try events(["statuses": [["id": "wamid.out", "status": "read", "timestamp": "1700000000",
                                               "recipient_id": "351911111111", "recipient_user_id": "PT.ana"]]])
        #expect(InboundService.conversationKeys(status) == ["phone:351911111111", "user:PT.ana"])
        let nobody = try events(["statuses": [["id": "wamid.out", "status": "read", "timestamp": "1700000000"]]])
        #expect(InboundService.conversationKeys(nobody) == nil, "about nobody known: runs alone")
    }

    @Test func anIdentityChangeMayTouchAnyoneSoItRunsAlone() throws {
        let change = try events(["messages": [["from": "351911111111", "id": "wamid.3", "timestamp": "1700000000", "type": "system",
                                               "system": ["type": "user_changed_number", "wa_id": "351922222222"]]]])
        #expect(InboundService.conversationKeys(change) == nil)
        let error = try events(["errors": [["code": 131000, "title": "Something went wrong"]]])
        #expect(InboundService.conversationKeys(error) == [], "an error touches nobody's records")
    }
}
