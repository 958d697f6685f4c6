import Foundation
import ParleyJSON
import Testing
import Vapor
import WhatsAppCloud
@testable import WhatsAppSimulator

/// Rules of Meta's send and upload endpoints that the reference spells out, and the control API's own input checks.
@Suite("Send and upload rules")
struct SendRulesTests {
    @Test func aNegativeOrNonNumericSeedIsA400NotACrash() async throws {
        try await SimHarness.with { h in
            for seed: JSONValue in [-1, "seven", 1.5, .int(Int.min)] {
                let reply = try await h.call(.POST, "/_sim/faults", token: nil, json: ["rates": ["server_error": 0.1], "seed": seed])
                #expect(reply.status == .badRequest, "seed \(seed)")
                #expect(reply.json["reason"]?.stringValue?.contains("seed") == true, "a JSON error naming seed: \(reply.json)")
            }
            let negativeCount = try await h.call(.POST, "/_sim/faults", token: nil, json: ["kind": "server_error", "count": -3])
            #expect(negativeCount.status == .badRequest)
            #expect(await h.simulator.stats().pendingFaults == 0)
            // Still running, and a proper seed is taken.
            let good = try await h.call(.POST, "/_sim/faults", token: nil, json: ["rates": ["server_error": 0.1], "seed": 0])
            #expect(good.status == .ok)
        }
    }

    @Test func aFullLengthEmojiTextIsAcceptedHoweverItIsEncoded() async throws {
        try await SimHarness.with { h in
            let user = await h.simulator.createUser(name: "Jane", phone: "4915112345678")
            _ = try await h.simulator.userSends(user.bsuid, ["type": "text", "text": "hi"])
            let longest = String(repeating: "😀", count: 4096)
            // As UTF-8 (16 KB and a bit) and as Python's json.dumps writes it (ensure_ascii: each emoji a
            // \ud83d\ude00 pair, 48 KB in all): both over Vapor's default 16 KB body limit.
            let utf8 = String(decoding: h.text(to: "4915112345678", longest).encoded(), as: UTF8.self)
            let escaped = #"{"messaging_product":"whatsapp","to":"4915112345678","type":"text","text":{"body":""#
                + String(repeating: #"\ud83d\ude00"#, count: 4096) + #""}}"#
            let oneMore = String(decoding: h.text(to: "4915112345678", longest + "😀").encoded(), as: UTF8.self)
            #expect(utf8.utf8.count > 16_384 && escaped.utf8.count > 48_000)

            try await h.overHTTP { base in
                func post(_ body: String) async throws -> ClientResponse {
                    try await h.app.client.post(URI(string: "\(base)/v21.0/\(SimHarness.phoneID)/messages")) { request in
                        request.headers.bearerAuthorization = .init(token: SimHarness.token)
                        request.headers.contentType = .json
                        request.body = ByteBuffer(string: body)
                    }
                }
                for body in [utf8, escaped] {
                    let reply = try await post(body)
                    #expect(reply.status == .ok, "\(reply.status): \(reply.body.map { String(buffer: $0) }?.prefix(200) ?? "")")
                }
                let tooLong = try await post(oneMore)
                #expect(tooLong.status == .badRequest, "one more is Meta's invalid parameter, not a 413")
                let error = try tooLong.body.map { try JSONValue.parse(Data(buffer: $0)) }
                #expect(error?["error"]?["code"] == 100)
            }
            let inbox = await h.simulator.inbox(of: user.bsuid)
            #expect(inbox.count == 2 && inbox.allSatisfy { $0.body["text"]?["body"]?.stringValue == longest })
        }
    }

    @Test func aBSUIDInToIsAnInvalidParameter() async throws {
        try await SimHarness.with { h in
            let user = await h.simulator.createUser(name: "Kim", username: "kim.k")
            _ = try await h.simulator.userSends(user.bsuid, ["type": "text", "text": "hi"])
            for to in [user.bsuid, "US.13491208655302741918", "US.ENT.11815799212886844830", "jane"] {
                let reply = try await h.send(h.text(to: to))
                #expect(reply.status == .badRequest, "to: \(to)")
                #expect(reply.json["error"]?["code"] == 100)
                #expect(reply.json["error"]?["error_data"]?["details"]?.stringValue?.contains("recipient") == true)
            }
            #expect(await h.simulator.inbox(of: user.bsuid).isEmpty, "nothing was accepted")
            #expect(await h.simulator.stats().acceptedSends == 0)
            // Written as people write numbers, a phone number still goes.
            let phoneUser = await h.simulator.createUser(name: "Lee", phone: "4915100000002")
            _ = try await h.simulator.userSends(phoneUser.bsuid, ["type": "text", "text": "hi"])
            #expect(try await h.send(h.text(to: "+49 (151) 000-00002")).status == .ok)
        }
    }

    @Test func callbackDataIsEchoedOnEveryStatusOfItsMessage() async throws {
        try await SimHarness.with(autoRead: true) { h in
            let user = await h.simulator.createUser(name: "Jane", phone: "4915112345678")
            _ = try await h.simulator.userSends(user.bsuid, ["type": "text", "text": "hi"])
            let sent = try await h.send(Self.text(h, to: "4915112345678", callbackData: "ticket=42;comment=7"))
            let id = try #require(sent.json["messages"]?[0]?["id"]?.stringValue)
            let statuses = try await h.waitForStatuses(id, count: 3)
            #expect(statuses.map(\.status) == ["sent", "delivered", "read"])
            #expect(statuses.allSatisfy { $0.bizOpaqueCallbackData == "ticket=42;comment=7" })

            // Without it, none; and it is echoed on failures too.
            let plain = try await h.send(h.text(to: "4915112345678"))
            let plainID = try #require(plain.json["messages"]?[0]?["id"]?.stringValue)
            #expect(try await h.waitForStatuses(plainID, count: 3).allSatisfy { $0.bizOpaqueCallbackData == nil })
            let lost = try await h.send(Self.text(h, to: "4915199999999", callbackData: "lost"))
            let lostID = try #require(lost.json["messages"]?[0]?["id"]?.stringValue)
            let failed = try await h.waitForStatuses(lostID, count: 1)
            #expect(failed.map(\.status) == ["failed"])
            #expect(failed.first?.bizOpaqueCallbackData == "lost")

            for bad: JSONValue in [.string(String(repeating: "x", count: 513)), 42] {
                let refused = try await h.send(Self.text(h, to: "4915112345678", callbackData: bad))
                #expect(refused.status == .badRequest)
                #expect(refused.json["error"]?["code"] == 100)
            }
        }
    }

    @Test func uploadsFollowTheMediaTable() async throws {
        try await SimHarness.with { h in
            // Types over HTTP, as clients upload; the size limits (up to 16 MB) through the same library call the
            // endpoint makes, since parsing such forms in a debug build takes most of a minute.
            for type in ["image/jpeg", "image/png", "image/webp", "audio/ogg; codecs=opus", "audio/mpeg", "audio/aac",
                         "audio/amr", "audio/mp4", "video/mp4", "video/3gpp", "application/pdf", "text/plain",
                         "application/msword", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                         "application/vnd.ms-excel", "application/vnd.openxmlformats-officedocument.presentationml.presentation"] {
                let reply = try await h.upload(Data(count: 1000), type: type, filename: "file")
                #expect(reply.status == .ok, "\(type): \(reply.json)")
                #expect(reply.json["id"]?.stringValue != nil)
            }
            for type in ["image/gif", "application/zip", "text/html", "video/quicktime"] {
                let reply = try await h.upload(Data(count: 1000), type: type, filename: "file")
                #expect(reply.status == .badRequest, "\(type)")
                #expect(reply.json["error"]?["code"] == 100)
                #expect(reply.json["error"]?["error_data"]?["details"]?.stringValue?.contains("Received file of type '\(type)'") == true,
                        "\(reply.json)")
            }
            let tooBig = try await h.upload(Data(count: 100 * 1024 + 1), type: "image/webp", filename: "s.webp")
            #expect(tooBig.status == .badRequest && tooBig.json["error"]?["code"] == 100, "a still sticker over 100 KB")

            let megabyte = 1_048_576
            func upload(_ size: Int, _ type: String) async throws -> String {
                try await h.simulator.upload(phoneNumberID: SimHarness.phoneID, token: SimHarness.token, data: Data(count: size),
                                             mimeType: type, fileName: nil)
            }
            for (limit, type) in [(5 * megabyte, "image/jpeg"), (5 * megabyte, "image/png"), (16 * megabyte, "video/mp4"),
                                  (16 * megabyte, "audio/ogg; codecs=opus"), (100 * megabyte, "application/pdf"),
                                  (100 * 1024, "image/webp")] {
                _ = try await upload(limit, type)
                await #expect(throws: GraphFailure.self, "\(type) over \(limit) bytes") { _ = try await upload(limit + 1, type) }
                do {
                    _ = try await upload(limit + 1, type)
                } catch let error as GraphFailure {
                    #expect(error.code == 100 && error.httpStatus == 400)
                    #expect(error.details?.contains("at most \(limit) bytes") == true, "\(error)")
                }
            }
            // An animated sticker may be up to 500 KB, a still one 100 KB.
            var animated = Data("RIFF\u{0}\u{0}\u{0}\u{0}WEBPVP8X\u{0}\u{0}\u{0}\u{0}ANIM".utf8)
            animated.append(Data(count: 400 * 1024))
            #expect(try await h.upload(animated, type: "image/webp", filename: "s.webp").status == .ok)
            animated.append(Data(count: 101 * 1024))
            #expect(try await h.upload(animated, type: "image/webp", filename: "s.webp").status == .badRequest)
        }
    }

    @Test func mediaIsSentOnlyAsAKindThatTakesItsType() async throws {
        try await SimHarness.with { h in
            let user = await h.simulator.createUser(name: "Jane", phone: "4915112345678")
            _ = try await h.simulator.userSends(user.bsuid, ["type": "text", "text": "hi"])
            func upload(_ type: String) async throws -> String {
                try #require(try await h.upload(Data(count: 100), type: type, filename: "f").json["id"]?.stringValue)
            }
            let pdf = try await upload("application/pdf"), png = try await upload("image/png")
            let webp = try await upload("image/webp"), ogg = try await upload("audio/ogg")
            func send(_ kind: String, _ id: String) async throws -> SimHarness.Reply {
                try await h.send(["messaging_product": "whatsapp", "to": "4915112345678", "type": .string(kind),
                                  kind: ["id": .string(id)]])
            }
            for (kind, id) in [("image", pdf), ("image", webp), ("sticker", png), ("audio", png), ("video", ogg),
                               ("document", png)] {
                let reply = try await send(kind, id)
                #expect(reply.status == .badRequest, "\(kind) with a \(id == pdf ? "pdf" : "mismatched") id")
                #expect(reply.json["error"]?["code"] == 100)
            }
            #expect(await h.simulator.inbox(of: user.bsuid).isEmpty)
            for (kind, id) in [("image", png), ("document", pdf), ("sticker", webp), ("audio", ogg)] {
                #expect(try await send(kind, id).status == .ok, "\(kind)")
            }
        }
    }

    @Test func failedStatusesCanTakeTheReferenceShapeWithoutContacts() async throws {
        try await SimHarness.with { h in
            func failedStatusValue(_ to: String) async throws -> JSONValue {
                let sent = try await h.send(h.text(to: to))
                let id = try #require(sent.json["messages"]?[0]?["id"]?.stringValue)
                _ = try await h.waitForStatuses(id, count: 1)
                let value = h.receiver.deliveries.map(\.json).compactMap { $0["entry"]?[0]?["changes"]?[0]?["value"] }
                    .first { $0["statuses"]?[0]?["id"]?.stringValue == id }
                return try #require(value)
            }
            // Default: contacts kept, for pywa.
            let kept = try await failedStatusValue("4915199999991")
            #expect(kept["statuses"]?[0]?["status"] == "failed")
            #expect(kept["contacts"]?[0]?["wa_id"] == "4915199999991")

            let switched = try await h.call(.PUT, "/_sim/webhook_shape", token: nil, json: ["failed_status_contacts": false])
            #expect(switched.json == ["failed_status_contacts": false])
            let exact = try await failedStatusValue("4915199999992")
            #expect(exact["contacts"] == nil, "the reference: failed statuses carry no contacts")
            #expect(exact["statuses"]?[0]?["recipient_id"] == "4915199999992")
            #expect(exact["statuses"]?[0]?["recipient_user_id"] == nil, "nor a recipient_user_id when sent to a phone number")
            #expect(exact["statuses"]?[0]?["errors"]?[0]?["code"] == 131026)
            #expect(try h.statuses(for: exact["statuses"]?[0]?["id"]?.stringValue ?? "").first?.status == "failed",
                    "and Parley's parser reads it")

            // Other statuses keep their contacts either way.
            let user = await h.simulator.createUser(name: "Jane", phone: "4915112345678")
            _ = try await h.simulator.userSends(user.bsuid, ["type": "text", "text": "hi"])
            let sent = try await h.send(h.text(to: "4915112345678"))
            let id = try #require(sent.json["messages"]?[0]?["id"]?.stringValue)
            _ = try await h.waitForStatuses(id, count: 2)
            let delivered = h.receiver.deliveries.map(\.json).compactMap { $0["entry"]?[0]?["changes"]?[0]?["value"] }
                .first { $0["statuses"]?[0]?["id"]?.stringValue == id }
            #expect(delivered?["contacts"]?[0]?["user_id"] == .string(user.bsuid))
            #expect(try await h.call(.PUT, "/_sim/webhook_shape", token: nil, json: ["failed_status_contacts": "no"]).status == .badRequest)
        }
    }

    /// A text send carrying `biz_opaque_callback_data`.
    static func text(_ h: SimHarness, to phone: String, callbackData: JSONValue) -> JSONValue {
        guard case .object(var message) = h.text(to: phone) else { return .null }
        message["biz_opaque_callback_data"] = callbackData
        return .object(message)
    }
}
