import Foundation
import NIOConcurrencyHelpers
import ParleyJSON
import Testing
import Vapor
import WhatsAppCloud
@testable import WhatsAppSimulator

@Suite("Simulated Graph API")
struct GraphAPITests {
    @Test func sendAnswersLikeMetaAndReportsSentThenDelivered() async throws {
        try await SimHarness.with { h in
            let user = await h.simulator.createUser(name: "Jane", phone: "+49 151 12345678")
            _ = try await h.simulator.userSends(user.bsuid, ["type": "text", "text": "hi"])
            let reply = try await h.send(h.text(to: "4915112345678"))
            #expect(reply.status == .ok)
            #expect(reply.json["messaging_product"] == "whatsapp")
            #expect(reply.json["contacts"]?[0]?["input"] == "4915112345678")
            #expect(reply.json["contacts"]?[0]?["wa_id"] == "4915112345678")
            let id = try #require(reply.json["messages"]?[0]?["id"]?.stringValue)
            #expect(id.hasPrefix("wamid."))
            let statuses = try await h.waitForStatuses(id, count: 2)
            #expect(statuses.map(\.status) == ["sent", "delivered"])
            #expect(statuses[0].recipientID == "4915112345678")
            #expect(await h.simulator.inbox(of: user.bsuid).last?.status == "delivered")

            #expect(await h.simulator.read(by: user.bsuid) == 1)
            let read = try await h.waitForStatuses(id, count: 3)
            #expect(read.last?.status == "read")
        }
    }

    @Test func bsuidAddressingAndPrecedence() async throws {
        try await SimHarness.with { h in
            let hidden = await h.simulator.createUser(name: "Kim", username: "kim.k")
            let shared = await h.simulator.createUser(name: "Lee", phone: "4915100000002")
            _ = try await h.simulator.userSends(hidden.bsuid, ["type": "text", "text": "hi"])
            _ = try await h.simulator.userSends(shared.bsuid, ["type": "text", "text": "hi"])

            let byID = try await h.send(["messaging_product": "whatsapp", "recipient": .string(hidden.bsuid), "type": "text",
                                         "text": ["body": "yo"]])
            #expect(byID.json["contacts"]?[0]?["user_id"] == .string(hidden.bsuid))
            #expect(byID.json["contacts"]?[0]?["wa_id"] == nil)

            // Both given: `to` wins.
            let both = try await h.send(["messaging_product": "whatsapp", "to": "4915100000002", "recipient": .string(hidden.bsuid),
                                         "type": "text", "text": ["body": "who?"]])
            #expect(both.json["contacts"]?[0]?["wa_id"] == "4915100000002")
            #expect(await h.simulator.inbox(of: shared.bsuid).count == 1)
            #expect(await h.simulator.inbox(of: hidden.bsuid).count == 1)
        }
    }

    @Test func errorsHaveMetasShapesAndCodes() async throws {
        try await SimHarness.with { h in
            let user = await h.simulator.createUser(name: "Jane", phone: "4915112345678")
            _ = try await h.simulator.userSends(user.bsuid, ["type": "text", "text": "hi"])

            let badToken = try await h.call(.POST, "/v21.0/\(SimHarness.phoneID)/messages", token: "nope", json: h.text(to: "4915112345678"))
            #expect(badToken.status == .unauthorized)
            #expect(badToken.json["error"]?["code"] == 190)
            #expect(badToken.json["error"]?["type"] == "OAuthException")
            #expect(badToken.json["error"]?["fbtrace_id"]?.stringValue != nil)

            let noProduct = try await h.send(["to": "4915112345678", "type": "text", "text": ["body": "x"]])
            #expect(noProduct.status == .badRequest)
            #expect(noProduct.json["error"]?["code"] == 100)
            let noBody = try await h.send(["messaging_product": "whatsapp", "to": "4915112345678", "type": "text", "text": [:]])
            #expect(noBody.json["error"]?["code"] == 100)
            let tooLong = try await h.send(h.text(to: "4915112345678", String(repeating: "x", count: 4097)))
            #expect(tooLong.json["error"]?["code"] == 100)
            let unknownNumber = try await h.call(.POST, "/v21.0/999/messages", json: h.text(to: "4915112345678"))
            #expect(unknownNumber.json["error"]?["code"] == 100)
            let notJSON = try await h.call(.POST, "/v21.0/\(SimHarness.phoneID)/messages", raw: ByteBuffer(string: "{oops"))
            #expect(notJSON.json["error"]?["code"] == 100)

            func template(_ name: String, params: [String]) -> JSONValue {
                ["messaging_product": "whatsapp", "to": "4915112345678", "type": "template",
                 "template": ["name": .string(name), "language": ["code": "en_US"],
                              "components": [["type": "body", "parameters": .array(params.map { ["type": "text", "text": .string($0)] })]]]]
            }
            #expect(try await h.send(template("nonexistent", params: [])).json["error"]?["code"] == 132001)
            #expect(try await h.send(template("old_promo", params: [])).json["error"]?["code"] == 132001, "rejected")
            #expect(try await h.send(template("order_followup", params: ["1"])).json["error"]?["code"] == 132001, "pending")
            #expect(try await h.send(template("ticket_update", params: ["Jane"])).json["error"]?["code"] == 132000)
            let good = try await h.send(template("ticket_update", params: ["Jane", "#1"]))
            #expect(good.status == .ok)
            #expect(good.json["messages"]?[0]?["message_status"] == "accepted")

            // Not a WhatsApp user: accepted, then failed with 131026.
            let stranger = try await h.send(h.text(to: "15550009999"))
            #expect(stranger.status == .ok)
            let id = try #require(stranger.json["messages"]?[0]?["id"]?.stringValue)
            let statuses = try await h.waitForStatuses(id, count: 1)
            #expect(statuses.first?.status == "failed")
            #expect(statuses.first?.errors?.first?.code == 131026)
        }
    }

    @Test func throughputLimitAnswers130429() async throws {
        try await SimHarness.with(throughput: 3) { h in
            let user = await h.simulator.createUser(name: "Jane", phone: "4915112345678")
            _ = try await h.simulator.userSends(user.bsuid, ["type": "text", "text": "hi"])
            let instant = NIOLockedValueBox(Date())
            await h.simulator.setThroughputClock { instant.withLockedValue { $0 } }
            var codes: [Int] = []
            for _ in 0..<5 { codes.append(Int(try await h.send(h.text(to: "4915112345678")).status.code)) }
            #expect(codes == [200, 200, 200, 429, 429])
            let limited = try await h.send(h.text(to: "4915112345678"))
            #expect(limited.status == .tooManyRequests)
            #expect(limited.json["error"]?["code"] == 130429)
            instant.withLockedValue { $0 = $0.addingTimeInterval(1.01) }
            #expect(try await h.send(h.text(to: "4915112345678")).status == .ok, "the limit is per second")
        }
    }

    @Test func injectedFaultsHitTheNextCalls() async throws {
        try await SimHarness.with { h in
            let user = await h.simulator.createUser(name: "Jane", phone: "4915112345678")
            _ = try await h.simulator.userSends(user.bsuid, ["type": "text", "text": "hi"])
            let control = try await h.call(.POST, "/_sim/faults", token: nil, json: ["kind": "server_error", "count": 2])
            #expect(control.status == .ok)
            #expect(try await h.send(h.text(to: "4915112345678")).status == .internalServerError)
            #expect(try await h.send(h.text(to: "4915112345678")).status == .internalServerError)
            #expect(try await h.send(h.text(to: "4915112345678")).status == .ok)

            await h.simulator.injectFault(.throttle, count: 1)
            let throttled = try await h.send(h.text(to: "4915112345678"))
            #expect(throttled.status == .tooManyRequests)
            #expect(throttled.json["error"]?["code"] == 130429)

            await h.simulator.setTimeoutFaultSeconds(0.2)
            await h.simulator.injectFault(.timeout, count: 1)
            let started = Date()
            let timedOut = try await h.send(h.text(to: "4915112345678"))
            #expect(timedOut.status == .gatewayTimeout)
            #expect(Date().timeIntervalSince(started) >= 0.2)
            #expect(await h.simulator.stats().pendingFaults == 0)
        }
    }

    @Test func faultRatesFailAShareOfCallsReproducibly() async throws {
        try await SimHarness.with(throughput: 1_000_000) { h in  // every 429 here is an injected one
            let user = await h.simulator.createUser(name: "Jane", phone: "4915112345678")
            _ = try await h.simulator.userSends(user.bsuid, ["type": "text", "text": "hi"])
            func outcomes() async throws -> [UInt] {
                var statuses: [UInt] = []
                for _ in 0..<200 { statuses.append(try await h.send(h.text(to: "4915112345678")).status.code) }
                return statuses
            }
            let set = try await h.call(.POST, "/_sim/faults", token: nil,
                                       json: ["rates": ["server_error": 0.2, "throttle": 0.1], "seed": 42])
            #expect(set.status == .ok)
            let first = try await outcomes()
            let errors = first.filter { $0 == 500 }.count, throttled = first.filter { $0 == 429 }.count
            #expect((20...60).contains(errors) && (5...35).contains(throttled), "\(errors) × 500, \(throttled) × 429 of 200")
            #expect(first.filter { $0 == 200 }.count == 200 - errors - throttled)
            let stats = try await h.call(.GET, "/_sim/stats", token: nil).json
            #expect(stats["served_faults"]?["server_error"] == .int(errors) && stats["served_faults"]?["throttle"] == .int(throttled))

            _ = try await h.call(.POST, "/_sim/faults", token: nil, json: ["rates": ["server_error": 0.2, "throttle": 0.1], "seed": 42])
            #expect(try await outcomes() == first, "the same seed fails the same calls")
            _ = try await h.call(.POST, "/_sim/faults", token: nil, json: ["rates": [:]])
            #expect(try await outcomes().allSatisfy { $0 == 200 })
            let bad = try await h.call(.POST, "/_sim/faults", token: nil, json: ["rates": ["server_error": 0.8, "timeout": 0.5]])
            #expect(bad.status == .badRequest)
        }
    }

    @Test func mediaUploadInfoAndDownloadNeedTheToken() async throws {
        try await SimHarness.with { h in
            let bytes = Data((0..<300).map { UInt8($0 % 256) })
            let upload = try await h.upload(bytes, type: "image/png", filename: "a.png")
            #expect(upload.status == .ok)
            let id = try #require(upload.json["id"]?.stringValue)

            let info = try await h.call(.GET, "/v21.0/\(id)")
            #expect(info.json["mime_type"] == "image/png")
            #expect(info.json["file_size"] == 300)
            let url = try #require(info.json["url"]?.stringValue)
            let path = String(url.dropFirst("http://sim.test".count))
            #expect(try await h.call(.GET, path, token: nil).status == .unauthorized)
            let download = try await h.call(.GET, path)
            #expect(download.body == bytes)

            // Send it by id, then delete it.
            let user = await h.simulator.createUser(name: "Jane", phone: "4915112345678")
            _ = try await h.simulator.userSends(user.bsuid, ["type": "text", "text": "hi"])
            let sent = try await h.send(["messaging_product": "whatsapp", "to": "4915112345678", "type": "image",
                                         "image": ["id": .string(id), "caption": "look"]])
            #expect(sent.status == .ok)
            let unknownMedia = try await h.send(["messaging_product": "whatsapp", "to": "4915112345678", "type": "image",
                                                 "image": ["id": "404"]])
            #expect(unknownMedia.json["error"]?["code"] == 100)
            #expect(try await h.call(.DELETE, "/v21.0/\(id)").json["success"] == true)
            #expect(try await h.call(.GET, "/v21.0/\(id)").status == .badRequest)
        }
    }

    @Test func templatesListAndMarkRead() async throws {
        try await SimHarness.with { h in
            let list = try await h.call(.GET, "/v21.0/\(SimHarness.wabaID)/message_templates")
            let names = list.json["data"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
            #expect(names.contains("ticket_update") && names.contains("old_promo"))
            let user = await h.simulator.createUser(name: "Jane", phone: "4915112345678")
            let sent = try await h.simulator.userSends(user.bsuid, ["type": "text", "text": "hi"])
            let read = try await h.send(["messaging_product": "whatsapp", "status": "read", "message_id": .string(sent.messageID)])
            #expect(read.json == ["success": true])
        }
    }
}
