import Fluent
import Foundation
import NIOConcurrencyHelpers
import ParleyCore
@testable import ParleyServer
import Testing
import Vapor
import WhatsAppSimulator

@Suite("Rules on WhatsApp tickets")
struct WhatsAppRulesTests {
    func enable(_ h: ChannelHarness, _ kind: String, titled title: String) async throws {
        let list = try await h.parley.send(.GET, "/api/v2/\(kind)s", as: .token(h.parley.admin))
        let id = try #require(list.json["\(kind)s"]?.arrayValue?.first { $0["title"] == .string(title) }?["id"]?.intValue)
        let enabled = try await h.parley.send(.PUT, "/api/v2/\(kind)s/\(id)", as: .token(h.parley.admin), json: [.init(stringLiteral: kind): ["active": true]])
        #expect(enabled.status == .ok)
    }

    /// Whether a live `delivery.failed` for the ticket reached the agent's socket within 3 seconds.
    func heardFailure(_ events: NIOLockedValueBox<[JSONValue]>, on ticketID: Int) async throws -> Bool {
        let heard = { events.withLockedValue { $0.contains { $0["type"] == "delivery.failed" && $0["ticket_id"] == .int(ticketID) } } }
        let deadline = Date().addingTimeInterval(3)
        while Date() < deadline && !heard() { try await Task.sleep(for: .milliseconds(20)) }
        return heard()
    }

    @Test func aTriggerFiresOnAnInboundWhatsAppMessage() async throws {
        try await ChannelHarness.with { h in
            try await enable(h, "trigger", titled: "Tag new WhatsApp tickets")
            let jane = await h.simulator.createUser(name: "Jane", phone: "4915112345678")
            _ = try await h.userSends(jane, ["type": "text", "text": "hello"])
            let ticket = try #require(try await h.tickets().first)
            #expect(ticket["tags"] == ["whatsapp"])
            let fired = try await h.audits(try ticket.int("id")).flatMap { $0["events"]?.arrayValue ?? [] }.filter { $0["type"] == "RuleFired" }
            #expect(fired.first?["title"] == "Tag new WhatsApp tickets")
            _ = try await h.userSends(jane, ["type": "text", "text": "again"])
            let again = try await h.audits(try ticket.int("id")).flatMap { $0["events"]?.arrayValue ?? [] }.filter { $0["type"] == "RuleFired" }
            #expect(again.count == 1, "the trigger only matches on create")
        }
    }

    /// Triggers run before the new comment is stored: the forwarded flag must come from the message that
    /// fired them, not from the one before.
    @Test func aTriggerSeesThatTheMessageItRunsOnWasForwarded() async throws {
        try await ChannelHarness.with { h in
            for (title, forwarded, tag) in [("Flag forwards", true, "forwarded"), ("Own words", false, "own_words")] {
                let trigger = try await h.parley.send(.POST, "/api/v2/triggers", as: .token(h.parley.admin), json: [
                    "trigger": ["title": .string(title), "conditions": ["all": [
                        ["field": "whatsapp_last_message_forwarded", "operator": "is", "value": .bool(forwarded)],
                    ]], "actions": [["field": "current_tags", "value": .string(tag)]]],
                ])
                #expect(trigger.status == .created)
            }
            let jane = await h.simulator.createUser(name: "Jane", phone: "4915112345678")
            _ = try await h.userSends(jane, ["type": "text", "text": "look at this", "forwarded": true])
            let ticketID = try #require(try await h.tickets().first?["id"]?.intValue)
            var ticket = try await h.parley.send(.GET, "/api/v2/tickets/\(ticketID)", as: .token(h.parley.agent)).json["ticket"]
            #expect(ticket?["tags"] == ["forwarded"], "the first message, forwarded, opens a ticket the trigger tags")
            _ = try await h.userSends(jane, ["type": "text", "text": "my own words"])
            ticket = try await h.parley.send(.GET, "/api/v2/tickets/\(ticketID)", as: .token(h.parley.agent)).json["ticket"]
            #expect(ticket?["tags"] == ["forwarded", "own_words"], "a message of their own is not forwarded, whatever came before")
        }
    }

    @Test func aMacroReplyObeysTheWindow() async throws {
        try await ChannelHarness.with { h in
            let macro = try await h.parley.send(.POST, "/api/v2/macros", as: .token(h.parley.agent), json: [
                "macro": ["title": "Greet", "actions": [["field": "comment_value", "value": "Hello {{ticket.requester.name}}, how can we help?"]]],
            ])
            let macroID = try #require(macro.json["macro"]?["id"]?.intValue)
            let jane = await h.simulator.createUser(name: "Jane", phone: "4915112345678")
            _ = try await h.userSends(jane, ["type": "text", "text": "hi"])
            let ticketID = try #require(try await h.tickets().first?["id"]?.intValue)
            _ = try await h.parley.send(.PUT, "/api/v2/tickets/\(ticketID)", as: .token(h.parley.agent), json: ["ticket": ["macro_ids": [.int(macroID)]]])
            try await h.flushOutbox()
            #expect(await h.simulator.inbox(of: jane.bsuid).map { $0.body["text"]?["body"] } == ["Hello Jane, how can we help?"])

            let events = NIOLockedValueBox<[JSONValue]>([])
            let socket = try await LiveClient.connect(h, token: h.parley.agent) { event in events.withLockedValue { $0.append(event) } }
            await h.simulator.advanceClock(by: 25 * 3600)
            let late = try await h.parley.send(.PUT, "/api/v2/tickets/\(ticketID)", as: .token(h.parley.agent), json: ["ticket": ["macro_ids": [.int(macroID)]]])
            #expect(late.json["audit"]?["events"]?.arrayValue?.contains { $0["type"] == "DeliveryFailure" } == true)
            try await h.flushOutbox()
            #expect(await h.simulator.inbox(of: jane.bsuid).count == 1)
            #expect(await h.simulator.stats().windowViolations == 0)
            #expect(try await heardFailure(events, on: ticketID))
            try await socket.close()
        }
    }

    @Test func theWindowClosingAutomationFiresOnceAfter22Hours() async throws {
        try await ChannelHarness.with { h in
            try await enable(h, "automation", titled: "WhatsApp window closes within 2 hours")
            let jane = await h.simulator.createUser(name: "Jane", phone: "4915112345678")
            _ = try await h.userSends(jane, ["type": "text", "text": "hi"])
            let ticketID = try #require(try await h.tickets().first?["id"]?.intValue)
            let runner = h.parley.app.parley.automations

            await h.simulator.advanceClock(by: 21 * 3600)
            #expect(try await runner.runIfDue() == 0, "21 hours in, more than 2 hours remain")
            await h.simulator.advanceClock(by: 3600 + 30 * 60)
            #expect(try await runner.runIfDue() == 1)
            let ticket = try await h.parley.send(.GET, "/api/v2/tickets/\(ticketID)", as: .token(h.parley.agent)).json["ticket"]
            #expect(ticket?["priority"] == "high")
            #expect(ticket?["tags"] == ["whatsapp_window_closing"])
            #expect(try await runner.runIfDue() == nil, "the next pass is not due yet: the lease holds it for an hour")
            #expect(try await runner.runPass() == 0, "its own action cancelled its condition: never twice")
            let fired = try await h.audits(ticketID).flatMap { $0["events"]?.arrayValue ?? [] }.filter { $0["type"] == "RuleFired" }
            #expect(fired.count == 1)
            #expect(fired.first?["rule_type"] == "automation")
        }
    }

    @Test func theShippedCloseAutomationClosesSolvedTicketsAfterFourDays() async throws {
        try await ChannelHarness.with { h in
            try await enable(h, "automation", titled: "Close ticket 4 days after status is set to solved")
            let jane = await h.simulator.createUser(name: "Jane", phone: "4915112345678")
            _ = try await h.userSends(jane, ["type": "text", "text": "hi"])
            let ticketID = try #require(try await h.tickets().first?["id"]?.intValue)
            let solved = try await h.parley.send(.PUT, "/api/v2/tickets/\(ticketID)", as: .token(h.parley.agent),
                                                 json: ["ticket": ["status": "solved"]])
            #expect(solved.status == .ok)
            let runner = h.parley.app.parley.automations

            await h.simulator.advanceClock(by: 95 * 3600)
            #expect(try await runner.runPass() == 0, "95 hours after solving: not yet")
            await h.simulator.advanceClock(by: 2 * 3600)
            #expect(try await runner.runPass() == 1)
            let ticket = try await h.parley.send(.GET, "/api/v2/tickets/\(ticketID)", as: .token(h.parley.agent)).json["ticket"]
            #expect(ticket?["status"] == "closed")
            #expect(try await runner.runPass() == 0, "a closed ticket no longer matches: never twice")
            let fired = try await h.audits(ticketID).flatMap { $0["events"]?.arrayValue ?? [] }.filter { $0["type"] == "RuleFired" }
            #expect(fired.count == 1)
            #expect(fired.first?["notes"] == nil, "the change was made, not refused")
        }
    }

    /// A rule's public reply obeys the window like an agent's, and agents hear of its failure live too.
    @Test func anAutomationsReplyOutsideTheWindowFailsAndAgentsAreTold() async throws {
        try await ChannelHarness.with { h in
            let automation = try await h.parley.send(.POST, "/api/v2/automations", as: .token(h.parley.admin), json: [
                "automation": ["title": "Nudge", "conditions": ["all": [
                    ["field": "whatsapp_hours_since_last_message", "operator": "greater_than", "value": 25],
                    ["field": "current_tags", "operator": "not_includes", "value": "nudged"],
                ]], "actions": [["field": "comment_value", "value": "Are you still there?"],
                                ["field": "current_tags", "value": "nudged"]]],
            ])
            #expect(automation.status == .created)
            let jane = await h.simulator.createUser(name: "Jane", phone: "4915112345678")
            _ = try await h.userSends(jane, ["type": "text", "text": "hi"])
            let ticketID = try #require(try await h.tickets().first?["id"]?.intValue)
            let events = NIOLockedValueBox<[JSONValue]>([])
            let socket = try await LiveClient.connect(h, token: h.parley.agent) { event in events.withLockedValue { $0.append(event) } }
            await h.simulator.advanceClock(by: 26 * 3600)
            #expect(try await h.parley.app.parley.automations.runPass() == 1)
            try await h.flushOutbox()
            #expect(await h.simulator.inbox(of: jane.bsuid).isEmpty)
            #expect(await h.simulator.stats().windowViolations == 0)
            #expect(try await heardFailure(events, on: ticketID))
            try await socket.close()
        }
    }

    @Test func onlyOneOfTwoInstancesRunsAPass() async throws {
        try await ChannelHarness.with { h in
            let first = AutomationRunner(application: h.parley.app, interval: 3600)
            let second = AutomationRunner(application: h.parley.app, interval: 3600)
            async let a = first.runIfDue()
            async let b = second.runIfDue()
            let results = try await [a, b]
            #expect(results.filter { $0 != nil }.count == 1)
        }
    }
}
