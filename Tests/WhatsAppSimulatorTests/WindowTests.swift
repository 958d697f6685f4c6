import Foundation
import ParleyJSON
import Testing
import WhatsAppCloud
@testable import WhatsAppSimulator

@Suite("The 24-hour window, enforced like Meta")
struct WindowTests {
    func lastStatus(_ h: SimHarness, _ reply: SimHarness.Reply) async throws -> StatusUpdate? {
        let id = try #require(reply.json["messages"]?[0]?["id"]?.stringValue)
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline {
            if let final = try h.statuses(for: id).first(where: { $0.status == "failed" || $0.status == "delivered" }) {
                return final
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        return nil
    }

    @Test func justInsideIsDeliveredJustOutsideFailsWith131047() async throws {
        try await SimHarness.with { h in
            let user = await h.simulator.createUser(name: "Jane", phone: "4915112345678")
            _ = try await h.simulator.userSends(user.bsuid, ["type": "text", "text": "hi"])
            await h.simulator.advanceClock(by: 24 * 3600 - 5)
            let inside = try await h.send(h.text(to: "4915112345678", "still in time"))
            #expect(try await lastStatus(h, inside)?.status == "delivered")
            #expect(await h.simulator.stats().windowViolations == 0)

            await h.simulator.advanceClock(by: 5)
            let outside = try await h.send(h.text(to: "4915112345678", "too late"))
            #expect(outside.status == .ok, "accepted with an id, like Meta")
            let failed = try await lastStatus(h, outside)
            #expect(failed?.status == "failed")
            #expect(failed?.errors?.first?.code == 131047)
            #expect(failed?.errors?.first?.errorData?.details?.contains("24 hours") == true)
            #expect(await h.simulator.stats().windowViolations == 1)
        }
    }

    @Test func windowCountsFromTheSendTimeAndANewMessageRestartsIt() async throws {
        try await SimHarness.with { h in
            let user = await h.simulator.createUser(name: "Jane", phone: "4915112345678")
            // Sent 23 h ago (delivered late): only one hour of window is left.
            let sentAt = h.simulator.clock.now.addingTimeInterval(-23 * 3600)
            _ = try await h.simulator.userSends(user.bsuid, ["type": "text", "text": "old", "timestamp": .int(Int(sentAt.timeIntervalSince1970))])
            await h.simulator.advanceClock(by: 3600 + 1)
            #expect(try await lastStatus(h, try await h.send(h.text(to: "4915112345678")))?.status == "failed")

            _ = try await h.simulator.userSends(user.bsuid, ["type": "text", "text": "new message"])
            await h.simulator.advanceClock(by: 20 * 3600)
            #expect(try await lastStatus(h, try await h.send(h.text(to: "4915112345678")))?.status == "delivered")
            #expect(await h.simulator.stats().windowViolations == 1)
        }
    }

    @Test func templatesAreAllowedOutsideAndAnOlderMessageDoesNotMoveTheWindowBack() async throws {
        try await SimHarness.with { h in
            let user = await h.simulator.createUser(name: "Jane", phone: "4915112345678")
            _ = try await h.simulator.userSends(user.bsuid, ["type": "text", "text": "newest"])
            let older = h.simulator.clock.now.addingTimeInterval(-20 * 3600)
            _ = try await h.simulator.userSends(user.bsuid, ["type": "text", "text": "late delivery", "timestamp": .int(Int(older.timeIntervalSince1970))])
            await h.simulator.advanceClock(by: 10 * 3600)
            #expect(try await lastStatus(h, try await h.send(h.text(to: "4915112345678")))?.status == "delivered")

            await h.simulator.advanceClock(by: 30 * 3600)
            let template = try await h.send([
                "messaging_product": "whatsapp", "to": "4915112345678", "type": "template",
                "template": ["name": "hello_world", "language": ["code": "en_US"]],
            ])
            #expect(try await lastStatus(h, template)?.status == "delivered")
            #expect(await h.simulator.stats().windowViolations == 0)
        }
    }

    @Test func aUserWhoNeverWroteCannotGetFreeForm() async throws {
        try await SimHarness.with { h in
            let user = await h.simulator.createUser(name: "Silent", phone: "4915100000009")
            let reply = try await h.send(h.text(to: "4915100000009"))
            #expect(try await lastStatus(h, reply)?.errors?.first?.code == 131047)
            #expect(await h.simulator.stats().windowViolations == 1)
            #expect(await h.simulator.inbox(of: user.bsuid).first?.outsideWindow == true)
        }
    }
}
