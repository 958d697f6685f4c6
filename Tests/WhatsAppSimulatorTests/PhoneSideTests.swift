import Crypto
import Foundation
import ParleyJSON
import Testing
import WhatsAppCloud
@testable import WhatsAppSimulator

@Suite("Simulated users and webhook delivery")
struct PhoneSideTests {
    func message(_ h: SimHarness, _ user: SimulatedUser, _ request: JSONValue) async throws -> (Contact?, InboundMessage) {
        let sent = try await h.simulator.userSends(user.bsuid, request)
        let record = await h.simulator.waitForDelivery(sent.ticket)
        #expect(record.delivered)
        for event in try h.events() {
            if case .message(_, let contact, let message) = event, message.id == sent.messageID { return (contact, message) }
        }
        throw SimTestError.missing(sent.messageID)
    }

    enum SimTestError: Error { case missing(String) }

    @Test func everyInboundTypeArrivesSignedAndParseable() async throws {
        try await SimHarness.with { h in
            let jane = await h.simulator.createUser(name: "Jane", phone: "4915112345678")
            let (contact, text) = try await message(h, jane, ["type": "text", "text": "Hello"])
            #expect(text.text?.body == "Hello")
            #expect(text.from == "4915112345678")
            #expect(text.fromUserID == jane.bsuid)
            #expect(contact?.userID == jane.bsuid && contact?.waID == "4915112345678" && contact?.profile?.name == "Jane")

            let photo = Data("a photo".utf8)
            let (_, image) = try await message(h, jane, ["type": "image", "caption": "look", "data_base64": .string(photo.base64EncodedString()), "mime_type": "image/jpeg"])
            #expect(image.image?.caption == "look")
            #expect(image.image?.sha256 == Data(SHA256.hash(data: photo)).base64EncodedString())
            let info = try await h.simulator.mediaInfo(id: try #require(image.image?.id), token: SimHarness.token)
            #expect(try await h.simulator.mediaBytes(id: info.id, token: SimHarness.token).data == photo)

            #expect(try await message(h, jane, ["type": "document", "filename": "invoice.pdf", "caption": "bill"]).1.document?.filename == "invoice.pdf")
            #expect(try await message(h, jane, ["type": "voice"]).1.audio?.voice == true)
            #expect(try await message(h, jane, ["type": "video"]).1.video?.mimeType == "video/mp4")
            #expect(try await message(h, jane, ["type": "sticker"]).1.sticker?.animated == false)
            let location = try await message(h, jane, ["type": "location", "latitude": 48.85, "longitude": 2.35, "name": "Paris"]).1.location
            #expect(location?.latitude == 48.85 && location?.name == "Paris")
            #expect(try await message(h, jane, ["type": "contacts", "name": "Bob", "phone": "+33 1 23"]).1.contacts?.first?["name"]?["formatted_name"] == "Bob")
            let interactive = try await message(h, jane, ["type": "interactive", "interactive_type": "list_reply", "reply_id": "r2", "title": "Refund"]).1
            #expect(interactive.interactive?["list_reply"]?["title"] == "Refund")
            #expect(try await message(h, jane, ["type": "button", "text": "Stop", "payload": "STOP"]).1.button?.payload == "STOP")
            let reaction = try await message(h, jane, ["type": "reaction", "reacts_to": .string(text.id!), "emoji": "👍"]).1
            #expect(reaction.reaction?.messageID == text.id && reaction.reaction?.emoji == "👍")
            #expect(try await message(h, jane, ["type": "reaction", "reacts_to": .string(text.id!)]).1.reaction?.emoji == nil)
            let reply = try await message(h, jane, ["type": "text", "text": "about that", "reply_to": .string(text.id!)]).1
            #expect(reply.context?.id == text.id)
            #expect(try await message(h, jane, ["type": "text", "text": "fwd", "forwarded": true]).1.context?.forwarded == true)
            #expect(try await message(h, jane, ["type": "text", "text": "fwd", "frequently_forwarded": true]).1.context?.frequentlyForwarded == true)
            let edit = try await message(h, jane, ["type": "edit", "edits": .string(text.id!), "text": "Hello again"]).1
            #expect(edit.edit?.originalMessageID == text.id && edit.edit?.newContent?.text?.body == "Hello again")
            #expect(try await message(h, jane, ["type": "revoke", "revokes": .string(text.id!)]).1.revoke?.originalMessageID == text.id)
            let unsupported = try await message(h, jane, ["type": "unsupported"]).1
            #expect(unsupported.type == "unsupported" && unsupported.errors?.first?.code == 131051)
            let number = try await message(h, jane, ["type": "system_user_changed_number", "new_phone": "4915199999999"]).1
            #expect(number.system?["wa_id"] == "4915199999999")
            #expect(await h.simulator.user(jane.bsuid)?.phone == "4915199999999")
        }
    }

    @Test func usernameUsersHideTheirNumberAndCanChangeTheirBSUID() async throws {
        try await SimHarness.with { h in
            let kim = await h.simulator.createUser(name: "Kim", username: "kim.k")
            let (contact, text) = try await message(h, kim, ["type": "text", "text": "hi"])
            #expect(text.from == nil && contact?.waID == nil)
            #expect(contact?.profile?.username == "kim.k" && contact?.userID == kim.bsuid)
            let change = try await message(h, kim, ["type": "system_user_changed_user_id", "new_user_id": "US.1234567890123456789"]).1
            #expect(change.system?["type"] == "user_changed_user_id")
            #expect(change.system?["user_id"] == "US.1234567890123456789")
            #expect(await h.simulator.user("US.1234567890123456789")?.name == "Kim")
            #expect(await h.simulator.user(kim.bsuid) == nil)
        }
    }

    @Test func callsAreWebhooksOnTheCallsField() async throws {
        try await SimHarness.with { h in
            let jane = await h.simulator.createUser(name: "Jane", phone: "4915112345678")
            let sent = try await h.simulator.userCalls(jane.bsuid)
            #expect(await h.simulator.waitForDelivery(sent.ticket).delivered)
            let calls = try h.events().compactMap { if case .call(_, _, let call) = $0 { call } else { nil } }
            #expect(calls.first?.id == sent.messageID && calls.first?.event == "connect" && calls.first?.direction == "USER_INITIATED")
        }
    }

    @Test func failedDeliveriesAreRetriedWithBackoff() async throws {
        try await SimHarness.with(webhookTimeout: 1) { h in
            let jane = await h.simulator.createUser(name: "Jane", phone: "4915112345678")
            h.receiver.failNext(2)
            let first = try await h.simulator.userSends(jane.bsuid, ["type": "text", "text": "retry me"])
            let record = await h.simulator.waitForDelivery(first.ticket)
            #expect(record.delivered && record.attempts == 3 && record.lastStatus == 200)

            h.receiver.stallNext(1, seconds: 3)
            let second = try await h.simulator.userSends(jane.bsuid, ["type": "text", "text": "slow"])
            let slow = await h.simulator.waitForDelivery(second.ticket)
            // A timeout counts as a failed attempt (a busy machine may time out once more).
            #expect(slow.delivered && slow.attempts >= 2 && slow.lastStatus == 200)
        }
    }

    @Test func retriesGoToTheWebhookURLConfiguredAtTheTime() async throws {
        try await SimHarness.with(webhookTimeout: 1) { h in
            let replacement = try await WebhookReceiver.start()
            let jane = await h.simulator.createUser(name: "Jane", phone: "4915112345678")
            h.receiver.failNext(1000)  // the old receiver never succeeds again (a server that went away)
            let sent = try await h.simulator.userSends(jane.bsuid, ["type": "text", "text": "moved"])
            while await h.simulator.deliveries().first(where: { $0.ticket == sent.ticket })?.attempts ?? 0 < 1 {
                try await Task.sleep(for: .milliseconds(5))  // until an attempt failed at the old URL
            }
            #expect(h.receiver.received.isEmpty)
            await h.simulator.setWebhookURL(replacement.url)
            let record = await h.simulator.waitForDelivery(sent.ticket)
            #expect(record.delivered && record.attempts >= 2)
            #expect(try await replacement.waitFor(1).count == 1)
            await replacement.stop()
        }
    }

    @Test func duplicateAndBatchedModes() async throws {
        try await SimHarness.with { h in
            let jane = await h.simulator.createUser(name: "Jane", phone: "4915112345678")
            await h.simulator.setDeliveryModes(DeliveryModes(duplicateRate: 1))
            let dup = try await h.simulator.userSends(jane.bsuid, ["type": "text", "text": "twice"])
            _ = await h.simulator.waitForDelivery(dup.ticket)
            let copies = try h.events().filter { if case .message(_, _, let m) = $0 { m.id == dup.messageID } else { false } }
            #expect(copies.count == 2)

            await h.simulator.setDeliveryModes(DeliveryModes(batchSize: 3, shuffle: true))
            let before = h.receiver.received.count
            var tickets: [Int] = []
            for index in 0..<3 { tickets.append(try await h.simulator.userSends(jane.bsuid, ["type": "text", "text": .string("b\(index)")]).ticket) }
            for ticket in tickets { _ = await h.simulator.waitForDelivery(ticket) }
            let batch = Array(h.receiver.received[before...])
            #expect(batch.count == 1)
            #expect(batch.first?.json["entry"]?[0]?["changes"]?[0]?["value"]?["messages"]?.arrayValue?.count == 3)

            await h.simulator.setDeliveryModes(DeliveryModes(batchSize: 2, separateEntries: true))
            let start = h.receiver.received.count
            let a = try await h.simulator.userSends(jane.bsuid, ["type": "text", "text": "e1"])
            let b = try await h.simulator.userSends(jane.bsuid, ["type": "text", "text": "e2"])
            _ = await h.simulator.waitForDelivery(a.ticket)
            _ = await h.simulator.waitForDelivery(b.ticket)
            #expect(h.receiver.received[start...].first?.json["entry"]?.arrayValue?.count == 2)
        }
    }

    @Test func verificationHandshake() async throws {
        try await SimHarness.with { h in
            let good = await h.simulator.verifyWebhook(verifyToken: "verify-me")
            #expect(good["ok"] == true && good["challenge_echoed"] == true)
            let bad = await h.simulator.verifyWebhook(verifyToken: "wrong")
            #expect(bad["ok"] == false && bad["status"] == 403)
        }
    }

    @Test func controlAPICreatesUsersSendsAndAdvancesTheClock() async throws {
        try await SimHarness.with { h in
            let created = try await h.call(.POST, "/_sim/users", token: nil, json: ["name": "Ana", "phone": "351910000000"])
            #expect(created.status == .created)
            let id = try #require(created.json["user_id"]?.stringValue)
            let sent = try await h.call(.POST, "/_sim/users/\(id)/messages", token: nil, json: ["type": "text", "text": "olá"])
            #expect(sent.status == .created)
            #expect(sent.json["delivery"]?["delivered"] == true)
            let before = try await h.call(.GET, "/_sim/clock", token: nil).json["now"]?.intValue ?? 0
            let after = try await h.call(.POST, "/_sim/clock/advance", token: nil, json: ["hours": 2]).json["now"]?.intValue ?? 0
            #expect(after - before >= 7200)
            #expect(try await h.call(.PUT, "/_sim/throughput", token: nil, json: ["limit": 1000]).json["limit"] == 1000)
            #expect(try await h.call(.GET, "/_sim/stats", token: nil).json["users"] == 1)
            let bad = try await h.call(.POST, "/_sim/users/\(id)/messages", token: nil, json: ["type": "teleport"])
            #expect(bad.status == .badRequest)
        }
    }

    @Test func manyUsersSendInOneCallAndTheSummaryCountsDeliveries() async throws {
        try await SimHarness.with { h in
            var ids: [String] = []
            for name in ["Ana", "Bo"] {
                let created = try await h.call(.POST, "/_sim/users", token: nil, json: ["name": .string(name)])
                ids.append(try #require(created.json["user_id"]?.stringValue))
            }
            h.receiver.failNext(1)  // the first body needs a retry
            let items: [JSONValue] = (0..<6).map { n in
                ["user_id": .string(ids[n % 2]), "type": "text", "text": .string("message \(n)"), "timestamp": .int(1_790_000_000 + n)]
            }
            let sent = try await h.call(.POST, "/_sim/messages", token: nil, json: ["messages": .array(items)])
            #expect(sent.status == .created)
            let answers = try #require(sent.json["messages"]?.arrayValue)
            #expect(answers.count == 6 && answers.allSatisfy { $0["message_id"]?.stringValue?.hasPrefix("wamid.") == true })
            #expect(answers[5]["timestamp"] == .int(1_790_000_005))
            _ = try await h.receiver.waitFor(6)
            var summary = try await h.call(.GET, "/_sim/deliveries/summary", token: nil).json
            for _ in 0..<200 where summary["pending"] != 0 {
                try await Task.sleep(for: .milliseconds(10))
                summary = try await h.call(.GET, "/_sim/deliveries/summary", token: nil).json
            }
            #expect(summary["queued"] == 6 && summary["delivered"] == 6 && summary["pending"] == 0 && summary["gave_up"] == 0)
            #expect(summary["attempts"] == 7 && summary["retried"] == 1 && summary["duplicated"] == 0)
            let texts = try h.events().compactMap { event -> String? in
                if case .message(_, _, let message) = event { return message.text?.body } else { return nil }
            }
            #expect(texts == (0..<6).map { "message \($0)" })

            let unknown = try await h.call(.POST, "/_sim/messages", token: nil, json: ["messages": [["user_id": "US.nobody", "type": "text", "text": "x"]]])
            #expect(unknown.status == .badRequest && unknown.json["failed"] == 1)
        }
    }
}
