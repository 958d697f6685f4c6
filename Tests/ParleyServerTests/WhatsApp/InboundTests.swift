import Fluent
import Foundation
import ParleyCore
@testable import ParleyServer
import Testing
import Vapor
import WhatsAppCloud
import WhatsAppSimulator

@Suite("WhatsApp inbound")
struct InboundTests {
    @Test func firstMessageOpensATicketAndLaterOnesJoinIt() async throws {
        try await ChannelHarness.with { h in
            let jane = await h.simulator.createUser(name: "Jane Roe", phone: "4915112345678")
            let first = try await h.userSends(jane, ["type": "text", "text": "Hello, where is my order 1234?"])
            let tickets = try await h.tickets()
            #expect(tickets.count == 1)
            let ticket = try #require(tickets.first)
            #expect(ticket["subject"] == "Hello, where is my order 1234?")
            #expect(ticket["via"]?["channel"] == "whatsapp")
            #expect(ticket["status"] == "new")
            #expect(ticket["whatsapp"]?["integration_id"] == .int(h.integrationID))
            #expect(ticket["whatsapp"]?["end_user"]?["user_id"] == .string(jane.bsuid))
            #expect(ticket["whatsapp"]?["end_user"]?["phone"] == "+4915112345678")
            #expect(ticket["whatsapp"]?["window_open"] == true)
            let id = try #require(ticket["id"]?.intValue)

            let requester = try await h.parley.send(.GET, "/api/v2/users/\(try ticket.int("requester_id"))", as: .token(h.parley.agent))
            #expect(requester.json["user"]?["name"] == "Jane Roe")
            #expect(requester.json["user"]?["role"] == "end-user")

            await h.simulator.advanceClock(by: 60)
            let second = try await h.simulator.userSends(jane.bsuid, ["type": "text", "text": "Any news?"])
            #expect(await h.simulator.waitForDelivery(second.ticket).delivered)
            #expect(try await h.tickets().count == 1)
            let comments = try await h.comments(id)
            #expect(comments.map { $0["body"] } == ["Hello, where is my order 1234?", "Any news?"])
            #expect(comments[0]["external_message_id"] == .string(first))
            #expect(comments[0]["author_id"] == ticket["requester_id"])
            #expect(comments[0]["public"] == true)
            #expect(comments[0]["via"]?["channel"] == "whatsapp")
            let shown = try await h.parley.send(.GET, "/api/v2/tickets/\(id)", as: .token(h.parley.agent)).json["ticket"]
            // WhatsApp's send time, in whole seconds as the webhook carries it.
            let sentAt = Date(timeIntervalSince1970: second.sentAt.timeIntervalSince1970.rounded(.down))
            #expect(shown?["last_end_user_message_at"] == .string(sentAt.iso8601))

            // A second person gets a ticket of their own.
            let kim = await h.simulator.createUser(name: "Kim", phone: "4915100000002")
            _ = try await h.userSends(kim, ["type": "text", "text": "Hi"])
            #expect(try await h.tickets().count == 2)
        }
    }

    @Test func everyMessageTypeLandsOnTheTicket() async throws {
        try await ChannelHarness.with { h in
            let jane = await h.simulator.createUser(name: "Jane", phone: "4915112345678")
            let hello = try await h.userSends(jane, ["type": "text", "text": "hello"])
            let photo = Data("the bytes of a photo".utf8)
            _ = try await h.userSends(jane, ["type": "image", "caption": "the broken part", "mime_type": "image/jpeg",
                                             "data_base64": .string(photo.base64EncodedString())])
            _ = try await h.userSends(jane, ["type": "document", "filename": "invoice.pdf"])
            _ = try await h.userSends(jane, ["type": "voice"])
            _ = try await h.userSends(jane, ["type": "video", "caption": "see"])
            _ = try await h.userSends(jane, ["type": "sticker"])
            _ = try await h.userSends(jane, ["type": "location", "latitude": 52.52, "longitude": 13.405, "name": "Office", "address": "Main St 1"])
            _ = try await h.userSends(jane, ["type": "contacts", "name": "Bob Builder", "phone": "+49 30 1234567", "email": "bob@example.com"])
            _ = try await h.userSends(jane, ["type": "interactive", "interactive_type": "button_reply", "reply_id": "yes", "title": "Yes please"])
            _ = try await h.userSends(jane, ["type": "button", "text": "Stop", "payload": "STOP"])
            _ = try await h.userSends(jane, ["type": "text", "text": "about my first message", "reply_to": .string(hello)])
            _ = try await h.userSends(jane, ["type": "text", "text": "look at this", "forwarded": true])
            _ = try await h.userSends(jane, ["type": "text", "text": "chain letter", "frequently_forwarded": true])
            _ = try await h.userSends(jane, ["type": "unsupported"])
            _ = try await h.userSends(jane, ["type": "reaction", "reacts_to": .string(hello), "emoji": "❤️"])

            let ticketID = try #require(try await h.tickets().first?["id"]?.intValue)
            #expect(try await h.tickets().count == 1)
            let comments = try await h.comments(ticketID)
            #expect(comments.count == 14, "a reaction is not a comment")
            func comment(_ index: Int) -> JSONValue { comments[index] }

            #expect(comment(1)["body"] == "the broken part")
            let attachment = try #require(comment(1)["attachments"]?[0])
            #expect(attachment["status"] == "pending")
            #expect(attachment["content_type"] == "image/jpeg")
            #expect(try await h.parley.app.parley.media.runOnce() >= 5)
            let after = try await h.comments(ticketID)
            let stored = try #require(after[1]["attachments"]?[0])
            #expect(stored["status"] == "stored", "\(stored)")
            let download = try await h.parley.send(.GET, "/api/v2/attachments/\(try stored.int("id"))/content", as: .token(h.parley.agent))
            #expect(Data(buffer: download.body) == photo)
            #expect(after[2]["attachments"]?[0]?["file_name"] == "invoice.pdf")
            #expect(after[2]["body"] == "📄 invoice.pdf")
            #expect(after[3]["body"] == "🎤 Voice message")
            #expect(after[3]["attachments"]?[0]?["status"] == "stored")
            #expect(after[5]["attachments"]?.arrayValue?.count == 1, "stickers are attachments too")

            #expect(comment(6)["body"]?.stringValue?.contains("Office") == true)
            #expect(comment(6)["body"]?.stringValue?.contains("openstreetmap.org/?mlat=52.52&mlon=13.405") == true)
            #expect(comment(6)["metadata"]?["whatsapp"]?["location"]?["latitude"] == 52.52)
            #expect(comment(7)["body"] == "👤 Bob Builder, +49 30 1234567, bob@example.com")
            #expect(comment(8)["body"] == "Chose: Yes please")
            #expect(comment(8)["metadata"]?["whatsapp"]?["interactive"]?["id"] == "yes")
            #expect(comment(9)["body"] == "Tapped: Stop")
            #expect(comment(10)["metadata"]?["whatsapp"]?["quoted"]?["excerpt"] == "hello")
            #expect(comment(10)["html_body"]?.stringValue?.contains("<blockquote") == true)
            #expect(comment(11)["metadata"]?["whatsapp"]?["forwarded"] == true)
            #expect(comment(11)["metadata"]?["whatsapp"]?["forwarded_notice"]?.stringValue?.contains("not the conversation") == true)
            #expect(comment(11)["html_body"]?.stringValue?.contains("parley-forwarded") == true)
            #expect(comment(12)["metadata"]?["whatsapp"]?["frequently_forwarded"] == true)
            #expect(comment(13)["public"] == false, "an unsupported message is an internal note")
            #expect(comment(13)["body"]?.stringValue?.contains("can't show") == true)
            #expect(after[0]["metadata"]?["whatsapp"]?["reaction"]?["emoji"] == "❤️")
            let reactionEvents = try await h.audits(ticketID).flatMap { $0["events"]?.arrayValue ?? [] }
                .filter { $0["event"] == "reaction" }
            #expect(reactionEvents.count == 1)

            _ = try await h.userSends(jane, ["type": "reaction", "reacts_to": .string(hello)])
            #expect(try await h.comments(ticketID)[0]["metadata"]?["whatsapp"]?["reaction"] == .null)
        }
    }

    /// Media comes after the webhook was answered: a failed download is retried with backoff, and one that keeps
    /// failing ends `failed` with WhatsApp's reason; the message itself is never lost.
    @Test func mediaDownloadsRetryThenEndFailedWithTheReason() async throws {
        try await ChannelHarness.with { h in
            let jane = await h.simulator.createUser(name: "Jane", phone: "4915112345678")
            let photo = Data("photo bytes".utf8)
            _ = try await h.userSends(jane, ["type": "image", "mime_type": "image/jpeg", "data_base64": .string(photo.base64EncodedString())])
            let ticketID = try #require(try await h.tickets().first?["id"]?.intValue)
            func attachment(_ index: Int) async throws -> JSONValue? { try await h.comments(ticketID)[index]["attachments"]?[0] }
            let media = h.parley.app.parley.media

            await h.simulator.injectFault(.serverError, count: 1)
            #expect(try await media.runOnce() == 1)
            #expect(try await attachment(0)?["status"] == "pending")
            #expect(try await attachment(0)?["status_detail"]?.stringValue?.hasPrefix("retrying") == true)
            #expect(try await media.runOnce() == 0, "not before its backoff")
            await h.simulator.advanceClock(by: 10)
            #expect(try await media.runOnce() == 1)
            #expect(try await attachment(0)?["status"] == "stored")

            _ = try await h.userSends(jane, ["type": "image", "mime_type": "image/jpeg", "data_base64": .string(photo.base64EncodedString())])
            await h.simulator.injectFault(.serverError, count: 100)
            for _ in 0..<MediaFetcher.maxAttempts {
                _ = try await media.runOnce()
                await h.simulator.advanceClock(by: 3700)
            }
            let failed = try #require(try await attachment(1))
            #expect(failed["status"] == "failed")
            #expect(failed["status_detail"]?.stringValue?.contains("HTTP 500") == true, "\(failed)")
            #expect(try await h.comments(ticketID).count == 2, "the message is kept either way")
        }
    }

    /// A download refused for the number's token (expired, revoked) is not retried, and the number shows the error
    /// on the admin page, as a send refused for the same reason does; a token saved since is used by the next one.
    @Test func aRevokedTokenFailsTheDownloadAndMarksTheNumberUnhealthy() async throws {
        try await ChannelHarness.with { h in
            let jane = await h.simulator.createUser(name: "Jane", phone: "4915112345678")
            let photo: JSONValue = ["type": "image", "mime_type": "image/jpeg", "data_base64": .string(Data("photo".utf8).base64EncodedString())]
            _ = try await h.userSends(jane, photo)
            let ticketID = try #require(try await h.tickets().first?["id"]?.intValue)
            let integrationPath = "/api/v2/channels/whatsapp/integrations/\(h.integrationID)"
            func health() async throws -> JSONValue? {
                try await h.parley.send(.GET, integrationPath, as: .token(h.parley.admin)).json["integration"]?["health"]
            }
            #expect(try await health()?["status"] == "ok")
            _ = try await h.parley.send(.PUT, integrationPath, as: .token(h.parley.admin),
                                        json: ["integration": ["access_token": "revoked-token"]])
            let media = h.parley.app.parley.media
            #expect(try await media.runOnce() == 1)
            let failed = try #require(try await h.comments(ticketID)[0]["attachments"]?[0])
            #expect(failed["status"] == "failed", "not retried: \(failed)")
            #expect(try await health()?["status"] == "error")
            #expect(try await health()?["error"]?.stringValue?.hasPrefix("Media download refused") == true)

            _ = try await h.parley.send(.PUT, integrationPath, as: .token(h.parley.admin),
                                        json: ["integration": ["access_token": .string(h.simulator.configuration.accessToken)]])
            _ = try await h.userSends(jane, photo)
            #expect(try await media.runOnce() == 1)
            #expect(try await h.comments(ticketID)[1]["attachments"]?[0]?["status"] == "stored")
        }
    }

    @Test func editsKeepBothVersionsAndDeletionsAreMarked() async throws {
        try await ChannelHarness.with { h in
            let jane = await h.simulator.createUser(name: "Jane", phone: "4915112345678")
            let original = try await h.userSends(jane, ["type": "text", "text": "I ordered 2 chairs"])
            _ = try await h.userSends(jane, ["type": "edit", "edits": .string(original), "text": "I ordered 3 chairs"])
            let ticketID = try #require(try await h.tickets().first?["id"]?.intValue)
            var comments = try await h.comments(ticketID)
            #expect(comments.count == 1)
            #expect(comments[0]["body"] == "I ordered 3 chairs")
            #expect(comments[0]["metadata"]?["whatsapp"]?["edited"] == true)
            let edit = try await h.audits(ticketID).flatMap { $0["events"]?.arrayValue ?? [] }.first { $0["event"] == "edit" }
            #expect(edit?["previous_value"] == "I ordered 2 chairs")
            #expect(edit?["value"] == "I ordered 3 chairs")

            _ = try await h.userSends(jane, ["type": "revoke", "revokes": .string(original)])
            comments = try await h.comments(ticketID)
            #expect(comments[0]["metadata"]?["whatsapp"]?["deleted_by_end_user"] == true)
            #expect(comments[0]["body"] == "I ordered 3 chairs", "kept as the record")

            // An edit of a message Parley never got is kept in the raw records, not dropped.
            _ = try await h.userSends(jane, ["type": "edit", "edits": "wamid.never-arrived", "text": "I ordered 4 chairs"])
            let kept = try await WebhookRecordModel.query(on: h.parley.app.db).filter(\.$field == "edit_unmatched").all()
            #expect(kept.count == 1 && kept[0].payload.contains("4 chairs"))
        }
    }

    @Test func duplicatesAreStoredOnceAndOutOfOrderKeepsTheNewestSendTime() async throws {
        try await ChannelHarness.with { h in
            let jane = await h.simulator.createUser(name: "Jane", phone: "4915112345678")
            await h.simulator.setDeliveryModes(DeliveryModes(duplicateRate: 1))
            let newest = h.simulator.clock.now
            _ = try await h.userSends(jane, ["type": "text", "text": "newest", "timestamp": .int(Int(newest.timeIntervalSince1970))])
            _ = try await h.userSends(jane, ["type": "text", "text": "older, delivered late",
                                             "timestamp": .int(Int(newest.timeIntervalSince1970) - 3600)])
            let deliveries = await h.simulator.deliveries()
            let allDuplicated = deliveries.allSatisfy { $0.duplicated }
            #expect(allDuplicated)
            let ticket = try #require(try await h.tickets().first)
            let comments = try await h.comments(try ticket.int("id"))
            #expect(comments.count == 2)
            // Comments carry WhatsApp's send time, so the late one sorts first.
            #expect(comments.map { $0["body"] } == ["older, delivered late", "newest"])
            let last = try #require(ticket["last_end_user_message_at"]?.stringValue)
            #expect(last == Date(timeIntervalSince1970: Double(Int(newest.timeIntervalSince1970))).iso8601)
            #expect(try await InboundMessageModel.query(on: h.parley.app.db).count() == 2)
        }
    }

    /// Several instances on PostgreSQL handle one person's webhooks at the same moment: still one ticket, every
    /// message once, and the newest send time kept (on SQLite the write gate already queues them).
    @Test func concurrentWebhooksOfOnePersonMakeOneTicketWithTheNewestTime() async throws {
        try await ChannelHarness.with { h in
            let jane = await h.simulator.createUser(name: "Jane", phone: "4915112345678")
            let number = SimulatorConfiguration.PhoneNumber(id: ChannelHarness.phoneID, displayNumber: "15550001234",
                                                            wabaID: ChannelHarness.wabaID)
            let start = Date(timeIntervalSince1970: Double(Int(h.simulator.clock.now.timeIntervalSince1970)))
            let bodies = (0..<40).map { index in
                WebhookFactory.textMessage(number, from: jane, text: "message \(index)",
                                                sentAt: start.addingTimeInterval(Double(index))).encoded()
            }.shuffled()
            let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for body in bodies { group.addTask { try await h.post(body).status } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.allSatisfy { $0 == .ok }, "\(statuses)")
            let tickets = try await h.tickets()
            #expect(tickets.count == 1)
            let ticket = try #require(tickets.first)
            #expect(try await h.comments(try ticket.int("id")).count == 40)
            #expect(ticket["last_end_user_message_at"]?.stringValue == start.addingTimeInterval(39).iso8601)
        }
    }

    @Test func batchedBodiesWithSeveralMessagesAndEntries() async throws {
        try await ChannelHarness.with { h in
            let jane = await h.simulator.createUser(name: "Jane", phone: "4915112345678")
            let kim = await h.simulator.createUser(name: "Kim", username: "kim.k")
            await h.simulator.setDeliveryModes(DeliveryModes(batchSize: 4, shuffle: true))
            var tickets: [Int] = []
            for index in 0..<2 {
                tickets.append(try await h.simulator.userSends(jane.bsuid, ["type": "text", "text": .string("jane \(index)")]).ticket)
                tickets.append(try await h.simulator.userSends(kim.bsuid, ["type": "text", "text": .string("kim \(index)")]).ticket)
            }
            for ticket in tickets { #expect(await h.simulator.waitForDelivery(ticket).delivered) }
            let all = try await h.tickets()
            #expect(all.count == 2)
            for ticket in all { #expect(try await h.comments(try ticket.int("id")).count == 2) }
        }
    }

    @Test func solvedTicketsReopenAndClosedOnesGetAFollowUp() async throws {
        try await ChannelHarness.with { h in
            let jane = await h.simulator.createUser(name: "Jane", phone: "4915112345678")
            _ = try await h.userSends(jane, ["type": "text", "text": "first problem"])
            let first = try #require(try await h.tickets().first?["id"]?.intValue)
            _ = try await h.parley.send(.PUT, "/api/v2/tickets/\(first)", as: .token(h.parley.agent), json: ["ticket": ["status": "solved"]])
            _ = try await h.userSends(jane, ["type": "text", "text": "still broken"])
            let reopened = try await h.tickets()
            #expect(reopened.count == 1)
            #expect(reopened[0]["status"] == "open")

            _ = try await h.parley.send(.PUT, "/api/v2/tickets/\(first)", as: .token(h.parley.agent), json: ["ticket": ["status": "closed"]])
            _ = try await h.userSends(jane, ["type": "text", "text": "a new problem"])
            let all = try await h.tickets()
            #expect(all.count == 2)
            #expect(all[1]["via_followup_source_id"] == .int(first))
            #expect(all[1]["subject"] == "a new problem")
            #expect(all[0]["status"] == "closed")
            #expect(all[0]["followup_ids"] == [all[1]["id"] ?? .null], "the link goes both ways, as in Zendesk")
        }
    }

    @Test func usernameUsersAndIdentityChangesStayOnePerson() async throws {
        try await ChannelHarness.with { h in
            let kim = await h.simulator.createUser(name: "Kim", username: "kim.k")
            _ = try await h.userSends(kim, ["type": "text", "text": "hi, no number here"])
            let ticket = try #require(try await h.tickets().first)
            #expect(ticket["whatsapp"]?["end_user"]?["phone"] == .null)
            #expect(ticket["whatsapp"]?["end_user"]?["username"] == "kim.k")
            let requesterID = try #require(ticket["requester_id"]?.intValue)

            _ = try await h.userSends(kim, ["type": "system_user_changed_number", "new_phone": "4915177777777", "system_type": "customer_changed_number"])
            _ = try await h.userSends(kim, ["type": "text", "text": "now you see my number"])
            var all = try await h.tickets()
            #expect(all.count == 1)
            #expect(all[0]["whatsapp"]?["end_user"]?["phone"] == "+4915177777777")

            _ = try await h.userSends(kim, ["type": "system_user_changed_user_id", "new_user_id": "US.5555555555555555555"])
            let renamed = try #require(await h.simulator.user("US.5555555555555555555"))
            _ = try await h.userSends(renamed, ["type": "text", "text": "new id, same me"])
            all = try await h.tickets()
            #expect(all.count == 1)
            #expect(all[0]["requester_id"] == .int(requesterID))
            #expect(all[0]["whatsapp"]?["end_user"]?["user_id"] == "US.5555555555555555555")
            let users = try await UserModel.query(on: h.parley.app.db).filter(\.$role == "end-user").count()
            #expect(users == 2, "the test's own end user and Kim")
        }
    }

    @Test func aPersonFirstSeenByPhoneAndLaterByBSUIDIsOneUser() async throws {
        try await ChannelHarness.with { h in
            func body(_ id: String, contact: JSONValue, from: String?, fromUserID: String?) -> Data {
                var message: [String: JSONValue] = ["id": .string(id), "timestamp": .string(String(Int(Date().timeIntervalSince1970))),
                                                    "type": "text", "text": ["body": "hello"]]
                if let from { message["from"] = .string(from) }
                if let fromUserID { message["from_user_id"] = .string(fromUserID) }
                let value: JSONValue = ["messaging_product": "whatsapp",
                                        "metadata": ["display_phone_number": "15550001234", "phone_number_id": .string(ChannelHarness.phoneID)],
                                        "contacts": [contact], "messages": [.object(message)]]
                return JSONValue.object(["object": "whatsapp_business_account",
                                         "entry": [["id": .string(ChannelHarness.wabaID), "changes": [["field": "messages", "value": value]]]]]).encoded()
            }
            let old = try await h.post(body("wamid.old1", contact: ["profile": ["name": "Ola"], "wa_id": "4917000000001"],
                                            from: "4917000000001", fromUserID: nil))
            #expect(old.status == .ok)
            let new = try await h.post(body("wamid.new1", contact: ["profile": ["name": "Ola"], "wa_id": "4917000000001", "user_id": "US.4242"],
                                            from: "4917000000001", fromUserID: "US.4242"))
            #expect(new.status == .ok)
            let all = try await h.tickets()
            #expect(all.count == 1)
            #expect(all[0]["whatsapp"]?["end_user"]?["user_id"] == "US.4242")
        }
    }

    /// Meta also reports calls the business placed (from another app on the number): those are not a customer
    /// trying to reach the team, and make no note.
    @Test func onlyCallsFromTheEndUserBecomeCallAttempts() async throws {
        try await ChannelHarness.with { h in
            func call(_ id: String, direction: String, from: String) throws -> Data {
                let value: JSONValue = [
                    "messaging_product": "whatsapp",
                    "metadata": ["display_phone_number": "15550001234", "phone_number_id": .string(ChannelHarness.phoneID)],
                    "contacts": [["profile": ["name": "Test Name"], "wa_id": "972987654321", "user_id": "US.13491208655302741918"]],
                    "calls": [["id": .string(id), "from": .string(from), "to": "15550001234", "event": "connect",
                               "timestamp": "1752582933", "direction": .string(direction)]],
                ]
                return JSONValue.object(["object": "whatsapp_business_account", "entry": [[
                    "id": .string(ChannelHarness.wabaID), "changes": [["field": "calls", "value": value]],
                ]]]).encoded()
            }
            #expect(try await h.post(try call("wacid.business", direction: "BUSINESS_INITIATED", from: "15550001234")).status == .ok)
            #expect(try await h.tickets().isEmpty, "the business's own call makes no ticket")
            #expect(try await h.post(try call("wacid.user", direction: "USER_INITIATED", from: "972987654321")).status == .ok)
            let ticket = try #require(try await h.tickets().first)
            #expect(try await h.comments(try ticket.int("id")).map { $0["body"]?.stringValue?.contains("tried to call") } == [true])
        }
    }

    @Test func callsAreRecordedNeverAnswered() async throws {
        try await ChannelHarness.with { h in
            let jane = await h.simulator.createUser(name: "Jane", phone: "4915112345678")
            let call = try await h.simulator.userCalls(jane.bsuid)
            #expect(await h.simulator.waitForDelivery(call.ticket).delivered)
            let ticket = try #require(try await h.tickets().first)
            let comments = try await h.comments(try ticket.int("id"))
            #expect(comments.count == 1)
            #expect(comments[0]["public"] == false)
            #expect(comments[0]["body"]?.stringValue?.contains("Calls are not supported") == true)
            let events = try await h.audits(try ticket.int("id")).flatMap { $0["events"]?.arrayValue ?? [] }
            #expect(events.contains { $0["event"] == "call_attempt" && $0["answered"] == false })
            #expect(ticket["whatsapp"]?["window_open"] == false, "a call does not open the reply window")
            #expect(await h.simulator.stats().acceptedSends == 0, "Parley sent nothing back")
        }
    }
}
