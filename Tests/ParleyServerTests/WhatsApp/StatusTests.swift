import Fluent
import Foundation
import ParleyCore
@testable import ParleyServer
import Testing
import Vapor
import WhatsAppSimulator

@Suite("WhatsApp status webhooks")
struct StatusTests {
    static func statusBody(_ id: String, _ status: String, error: JSONValue? = nil) -> Data {
        var item: [String: JSONValue] = ["id": .string(id), "status": .string(status),
                                         "timestamp": .string(String(Int(Date().timeIntervalSince1970))), "recipient_id": "4915112345678"]
        if let error { item["errors"] = [error] }
        let value: JSONValue = ["messaging_product": "whatsapp",
                                "metadata": ["display_phone_number": "15550001234", "phone_number_id": .string(ChannelHarness.phoneID)],
                                "statuses": [.object(item)]]
        return JSONValue.object(["object": "whatsapp_business_account",
                                 "entry": [["id": .string(ChannelHarness.wabaID), "changes": [["field": "messages", "value": value]]]]]).encoded()
    }

    /// An agent comment as the outbound side will leave it: sent to WhatsApp with a message id.
    static func sentComment(_ h: ChannelHarness, ticketID: Int, wamid: String) async throws -> CommentModel {
        let comment = CommentModel()
        comment.ticketID = ticketID
        comment.authorID = h.parley.agent.id
        comment.body = "We are on it"
        comment.isPublic = true
        comment.viaChannel = "whatsapp"
        comment.deliveryStatus = "sent"
        comment.externalMessageID = wamid
        comment.createdAt = Date()
        try await comment.create(on: h.parley.app.db)
        return comment
    }

    @Test func statusesOnlyMoveForward() async throws {
        try await ChannelHarness.with { h in
            let jane = await h.simulator.createUser(name: "Jane", phone: "4915112345678")
            _ = try await h.userSends(jane, ["type": "text", "text": "hi"])
            let ticketID = try #require(try await h.tickets().first?["id"]?.intValue)
            let comment = try await Self.sentComment(h, ticketID: ticketID, wamid: "wamid.out1")
            for status in ["read", "delivered", "sent"] { #expect(try await h.post(Self.statusBody("wamid.out1", status)).status == .ok) }
            let stored = try await CommentModel.find(comment.id, on: h.parley.app.db)
            #expect(stored?.deliveryStatus == "read")
            #expect(try await h.comments(ticketID).last?["delivery_status"] == "read")
        }
    }

    @Test func failuresAreLoggedWithWhatsAppsReason() async throws {
        try await ChannelHarness.with { h in
            let jane = await h.simulator.createUser(name: "Jane", phone: "4915112345678")
            _ = try await h.userSends(jane, ["type": "text", "text": "hi"])
            let ticketID = try #require(try await h.tickets().first?["id"]?.intValue)
            _ = try await Self.sentComment(h, ticketID: ticketID, wamid: "wamid.out2")
            let error: JSONValue = ["code": 131047, "title": "Re-engagement message", "message": "Re-engagement message",
                                    "error_data": ["details": "Message failed to send because more than 24 hours have passed since the customer last replied to this number."]]
            #expect(try await h.post(Self.statusBody("wamid.out2", "failed", error: error)).status == .ok)
            #expect(try await h.post(Self.statusBody("wamid.out2", "delivered")).status == .ok)
            let comment = try #require(try await h.comments(ticketID).last)
            #expect(comment["delivery_status"] == "failed")
            #expect(comment["delivery_error"]?["code"] == 131047)
            #expect(comment["delivery_error"]?["window_closed"] == true)
            let failures = try await h.audits(ticketID).flatMap { $0["events"]?.arrayValue ?? [] }.filter { $0["type"] == "DeliveryFailure" }
            #expect(failures.count == 1)
            #expect(failures.first?["code"] == 131047)
            #expect(failures.first?["message"]?.stringValue?.contains("24 hours") == true)

            let tokenError: JSONValue = ["code": 190, "title": "Access token has expired"]
            _ = try await Self.sentComment(h, ticketID: ticketID, wamid: "wamid.out3")
            _ = try await h.post(Self.statusBody("wamid.out3", "failed", error: tokenError))
            let integration = try await h.parley.send(.GET, "/api/v2/channels/whatsapp/integrations/\(h.integrationID)", as: .token(h.parley.admin))
            #expect(integration.json["integration"]?["health"]?["status"] == "error")
            #expect(integration.json["integration"]?["health"]?["error"]?.stringValue?.contains("190") == true)
        }
    }

    /// The reference's exact shape (§11): a failed status with no `contacts` and, for a send to a phone number, no
    /// `recipient_user_id`. Parley matches it by message id alone. The simulator reports the failure before it
    /// answers the send, so the status races the outbox storing "sent": several replies give the race room.
    @Test func aFailedStatusWithoutContactsIsRecorded() async throws {
        try await ChannelHarness.with { h in
            let (jane, ticketID) = try await h.startConversation()
            await h.simulator.setFailedStatusContacts(false)
            await h.simulator.removeUser(jane.bsuid)  // Jane left WhatsApp: Meta accepts the send, then fails it.
            let replies = 10
            for index in 1...replies {
                #expect(try await h.reply(ticketID, "Are you still there? (\(index))").status == .ok)
            }
            try await h.flushOutbox()

            _ = try await h.waitForDelivery(ticketID: ticketID, status: "failed")
            let deadline = Date().addingTimeInterval(5)
            var sent = try await h.comments(ticketID).dropFirst()
            while sent.contains(where: { $0["delivery_status"] != "failed" }) && Date() < deadline {
                try await Task.sleep(for: .milliseconds(20))
                sent = try await h.comments(ticketID).dropFirst()
            }
            #expect(sent.count == replies)
            #expect(sent.map { $0["delivery_status"] } == Array(repeating: "failed", count: replies), "none left as sent")
            #expect(sent.allSatisfy { $0["delivery_error"]?["code"] == 131026 })
            let failures = try await h.audits(ticketID).flatMap { $0["events"]?.arrayValue ?? [] }.filter { $0["type"] == "DeliveryFailure" }
            #expect(failures.count == replies)
            #expect(failures.allSatisfy { $0["code"] == 131026 })

            // The simulator's tests check that this mode leaves `contacts` out; Parley kept nothing aside as unmatched.
            #expect(await h.simulator.failedStatusContacts == false)
            let unmatched = try await WebhookRecordModel.query(on: h.parley.app.db).filter(\.$field == "status_unmatched").count()
            #expect(unmatched == 0)
        }
    }

    @Test func statusesForUnknownMessagesAreKeptForLater() async throws {
        try await ChannelHarness.with { h in
            #expect(try await h.post(Self.statusBody("wamid.notyet", "delivered")).status == .ok)
            let kept = try await WebhookRecordModel.query(on: h.parley.app.db).filter(\.$field == "status_unmatched").all()
            #expect(kept.count == 1)
            #expect(kept.first?.payload.contains("wamid.notyet") == true)
        }
    }

    /// A comment in two parts is as far along as its slower part; statuses that move no part (a repeated one, or
    /// "sent" for a part the outbox stored as sent) change nothing and are answered like the others.
    @Test func aCommentInPartsFollowsItsSlowerPartAndRepeatsChangeNothing() async throws {
        try await ChannelHarness.with { h in
            let jane = await h.simulator.createUser(name: "Jane", phone: "4915112345678")
            _ = try await h.userSends(jane, ["type": "text", "text": "hi"])
            let ticketID = try #require(try await h.tickets().first?["id"]?.intValue)
            let db = h.parley.app.db
            let comment = try await Self.sentComment(h, ticketID: ticketID, wamid: "wamid.part1")
            let commentID = try comment.requireID()
            try await OutboundMessageIDModel(wamid: "wamid.part1", commentID: commentID).create(on: db)
            try await OutboundMessageIDModel(wamid: "wamid.part2", commentID: commentID).create(on: db)
            func states() async throws -> [String] {
                let parts = try await OutboundMessageIDModel.query(on: db).filter(\.$commentID == commentID).sort(\.$wamid).all()
                let stored = try await CommentModel.find(commentID, on: db)
                return parts.map(\.status) + [stored?.deliveryStatus ?? "none"]
            }
            let steps: [(wamid: String, status: String, expected: [String])] = [
                ("wamid.part1", "delivered", ["delivered", "sent", "sent"]),
                ("wamid.part1", "delivered", ["delivered", "sent", "sent"]),
                ("wamid.part2", "sent", ["delivered", "sent", "sent"]),
                ("wamid.part2", "read", ["delivered", "read", "delivered"]),
                ("wamid.part2", "delivered", ["delivered", "read", "delivered"]),
                ("wamid.part1", "read", ["read", "read", "read"]),
                ("wamid.part1", "read", ["read", "read", "read"]),
            ]
            for step in steps {
                #expect(try await h.post(Self.statusBody(step.wamid, step.status)).status == .ok)
                #expect(try await states() == step.expected, "after \(step.wamid) \(step.status)")
            }
            #expect(try await h.comments(ticketID).last?["delivery_status"] == "read")
        }
    }
}
