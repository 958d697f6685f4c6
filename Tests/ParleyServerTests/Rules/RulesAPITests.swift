import Fluent
import Foundation
import NIOConcurrencyHelpers
import ParleyCore
@testable import ParleyServer
import Testing
import Vapor
import WhatsAppSimulator

@Suite("Rules: API and behaviour")
struct RulesAPITests {
    @Test func defaultsShipInactiveAndCRUDValidates() async throws {
        try await TestApp.with { t in
            let automations = try await t.send(.GET, "/api/v2/automations", as: .token(t.agent))
            let titles = automations.json["automations"]?.arrayValue?.compactMap { $0["title"]?.stringValue } ?? []
            #expect(titles.contains("WhatsApp window closes within 2 hours"))
            #expect(titles.contains("Close ticket 4 days after status is set to solved"))
            #expect(automations.json["automations"]?.arrayValue?.allSatisfy { $0["active"] == false } == true)
            let triggers = try await t.send(.GET, "/api/v2/triggers.json", as: .token(t.agent))
            #expect(triggers.json["triggers"]?[0]?["title"] == "Tag new WhatsApp tickets")
            #expect(triggers.json["triggers"]?[0]?["conditions"]?["all"]?.arrayValue?.count == 2)

            let trigger: JSONValue = ["trigger": ["title": "VIP", "conditions": ["all": [["field": "current_tags", "operator": "includes", "value": "vip"]]],
                                                  "actions": [["field": "priority", "value": "urgent"]]]]
            #expect(try await t.send(.POST, "/api/v2/triggers", as: .token(t.agent), json: trigger).status == .forbidden)
            let created = try await t.send(.POST, "/api/v2/triggers", as: .token(t.admin), json: trigger)
            #expect(created.status == .created)
            #expect(created.json["trigger"]?["active"] == true)
            let id = try #require(created.json["trigger"]?["id"]?.intValue)

            let bad = try await t.send(.POST, "/api/v2/triggers", as: .token(t.admin), json: [
                "trigger": ["title": "Bad", "conditions": ["all": [["field": "status", "operator": "explodes", "value": "open"]],
                                                           "any": [["field": "mood", "operator": "is", "value": "grumpy"]]],
                            "actions": [["field": "status", "value": "sideways"]]],
            ])
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.text.contains("conditions.all[0]: unknown operator 'explodes'"))
            #expect(bad.text.contains("conditions.any[0]: unknown field 'mood'"))
            #expect(bad.text.contains("actions[0]"))
            let looping = try await t.send(.POST, "/api/v2/automations", as: .token(t.admin), json: [
                "automation": ["title": "Nag", "conditions": ["all": [["field": "OPEN", "operator": "greater_than", "value": 2]]],
                               "actions": [["field": "priority", "value": "high"]]],
            ])
            #expect(looping.status == .unprocessableEntity)
            #expect(looping.text.contains("make false"))

            let renamed = try await t.send(.PUT, "/api/v2/triggers/\(id)", as: .token(t.admin), json: ["trigger": ["title": "VIP first", "active": false]])
            #expect(renamed.json["trigger"]?["title"] == "VIP first")
            #expect(renamed.json["trigger"]?["active"] == false)
            let active = try await t.send(.GET, "/api/v2/triggers/active", as: .token(t.agent))
            #expect(active.json["triggers"] == [])
            #expect(try await t.send(.DELETE, "/api/v2/triggers/\(id)", as: .token(t.admin)).status == .noContent)
            #expect(try await t.send(.GET, "/api/v2/triggers/\(id)", as: .token(t.admin)).status == .notFound)

            let macro = try await t.send(.POST, "/api/v2/macros", as: .token(t.agent), json: [
                "macro": ["title": "Close and thank", "actions": [["field": "status", "value": "solved"],
                                                                   ["field": "comment_value", "value": "Thanks {{ticket.requester.name}}!"]]],
            ])
            #expect(macro.status == .created, "agents manage macros")
        }
    }

    @Test func triggersFireOnAPIUpdatesInOrderAndAreLogged() async throws {
        try await TestApp.with { t in
            let urgent = try await t.send(.POST, "/api/v2/triggers", as: .token(t.admin), json: [
                "trigger": ["title": "Urgent words", "conditions": ["all": [["field": "comment_includes_word", "operator": "includes", "value": "fire smoke"]]],
                            "actions": [["field": "priority", "value": "urgent"], ["field": "current_tags", "value": "hot"],
                                        ["field": "comment_value", "value": ["channel:all", "Ticket {{ticket.id}} escalated for {{ticket.requester.name}}"]],
                                        ["field": "comment_mode_is_public", "value": false]]],
            ])
            #expect(urgent.status == .created, "\(urgent.text)")
            _ = try await t.send(.POST, "/api/v2/triggers", as: .token(t.admin), json: [
                "trigger": ["title": "Hot to group", "conditions": ["all": [["field": "current_tags", "operator": "includes", "value": "hot"],
                                                                           ["field": "type", "operator": "is_not", "value": "incident"]]],
                            "actions": [["field": "type", "value": "incident"]]],
            ])
            let ticket = try await t.createTicket(subject: "Help", body: "There is smoke everywhere")
            #expect(ticket["priority"] == "urgent")
            #expect(ticket["tags"] == ["hot"])
            #expect(ticket["type"] == "incident")
            let id = try #require(ticket["id"]?.intValue)
            let comments = try await t.send(.GET, "/api/v2/tickets/\(id)/comments", as: .token(t.agent)).json["comments"]?.arrayValue ?? []
            #expect(comments.count == 2)
            #expect(comments[1]["body"] == .string("Ticket \(id) escalated for End-User"))
            #expect(comments[1]["public"] == false)
            let events = try await t.send(.GET, "/api/v2/tickets/\(id)/audits", as: .token(t.agent)).json["audits"]?[0]?["events"]?.arrayValue ?? []
            let fired = events.filter { $0["type"] == "RuleFired" }.compactMap { $0["title"]?.stringValue }
            #expect(fired == ["Urgent words", "Hot to group"])
            #expect(events.contains { $0["field_name"] == "priority" && $0["via_rule"] == "Urgent words" })
            // An update without those words fires nothing again.
            let quiet = try await t.send(.PUT, "/api/v2/tickets/\(id)", as: .token(t.agent), json: ["ticket": ["status": "pending"]])
            #expect(quiet.json["audit"]?["events"]?.arrayValue?.contains { $0["type"] == "RuleFired" } == false)
        }
    }

    @Test func macrosPreviewWithoutSavingAndApplyThroughAnUpdate() async throws {
        try await TestApp.with { t in
            let macro = try await t.send(.POST, "/api/v2/macros", as: .token(t.agent), json: [
                "macro": ["title": "Take it", "actions": [["field": "assignee_id", "value": "current_user"], ["field": "status", "value": "pending"],
                                                          ["field": "current_tags", "value": "macro_used"],
                                                          ["field": "comment_value", "value": "Hi {{ticket.requester.first_name}}, {{current_user.name}} here."]]],
            ])
            let macroID = try #require(macro.json["macro"]?["id"]?.intValue)
            let ticketID = try #require(try await t.createTicket()["id"]?.intValue)
            let preview = try await t.send(.GET, "/api/v2/tickets/\(ticketID)/macros/\(macroID)/apply.json", as: .token(t.agent))
            #expect(preview.json["result"]?["ticket"]?["status"] == "pending")
            #expect(preview.json["result"]?["ticket"]?["assignee_id"] == .int(t.agent.id))
            #expect(preview.json["result"]?["comment"]?["body"] == "Hi End-User, Agent here.")
            let unchanged = try await t.send(.GET, "/api/v2/tickets/\(ticketID)", as: .token(t.agent))
            #expect(unchanged.json["ticket"]?["status"] == "new", "a preview saves nothing")

            let applied = try await t.send(.PUT, "/api/v2/tickets/\(ticketID)", as: .token(t.agent), json: ["ticket": ["macro_ids": [.int(macroID)]]])
            #expect(applied.json["ticket"]?["status"] == "pending")
            #expect(applied.json["ticket"]?["tags"] == ["macro_used"])
            let comments = try await t.send(.GET, "/api/v2/tickets/\(ticketID)/comments", as: .token(t.agent)).json["comments"]?.arrayValue ?? []
            #expect(comments.last?["body"] == "Hi End-User, Agent here.")
            #expect(comments.last?["author_id"] == .int(t.agent.id))
            let missing = try await t.send(.PUT, "/api/v2/tickets/\(ticketID)", as: .token(t.agent), json: ["ticket": ["macro_ids": [999]]])
            #expect(missing.status == .unprocessableEntity)
        }
    }

    @Test func notificationWebhooksReachALocalReceiver() async throws {
        let received = NIOLockedValueBox<[String]>([])
        let receiver = try await Application.make(.testing)
        receiver.logger.logLevel = .critical
        receiver.post("hook") { req -> HTTPStatus in
            received.withLockedValue { $0.append(req.body.string ?? "") }
            return .ok
        }
        try await receiver.server.start(address: .hostname("127.0.0.1", port: 0))
        let port = receiver.http.server.shared.localAddress?.port ?? 0
        do {
            try await TestApp.with { t in
                let webhook = try await t.send(.POST, "/api/v2/webhooks", as: .token(t.admin), json: [
                    "webhook": ["name": "Slack bridge", "endpoint": .string("http://127.0.0.1:\(port)/hook"), "http_method": "POST",
                                "request_format": "json", "status": "active"],
                ])
                #expect(webhook.status == .created)
                let webhookID = try #require(webhook.json["webhook"]?["id"]?.stringValue)
                let badEndpoint = try await t.send(.POST, "/api/v2/webhooks", as: .token(t.admin), json: ["webhook": ["name": "x", "endpoint": "ftp://x"]])
                #expect(badEndpoint.status == .unprocessableEntity)
                let tell = try await t.send(.POST, "/api/v2/triggers", as: .token(t.admin), json: [
                    "trigger": ["title": "Tell the bridge", "conditions": ["all": [["field": "update_type", "operator": "is", "value": "Create"]]],
                                "actions": [["field": "notification_webhook",
                                             "value": [.string(webhookID), "{\"ticket\": {{ticket.id}}, \"subject\": \"{{ticket.title}}\"}"]]]],
                ])
                #expect(tell.status == .created, "\(tell.text)")
                let ticketID = try #require(try await t.createTicket(subject: "Webhook me")["id"]?.intValue)
                #expect(try await t.app.parley.notifications.runOnce() == 1)
                #expect(received.withLockedValue { $0 } == ["{\"ticket\": \(ticketID), \"subject\": \"Webhook me\"}"])
                let delivery = try await NotificationModel.query(on: t.app.db).first()
                #expect(delivery?.status == "sent", "\(delivery?.lastError ?? "") \(delivery?.attempts ?? -1)")
                let audits = try await t.send(.GET, "/api/v2/tickets/\(ticketID)/audits", as: .token(t.agent)).json["audits"]
                let notice = audits?.arrayValue?.flatMap { $0["events"]?.arrayValue ?? [] }.first { $0["type"] == "Notification" }
                #expect(notice?["subject"] == "Slack bridge", "the event log names who was told: \(String(describing: notice))")
                #expect(notice?["via_rule"] == "Tell the bridge")
            }
        } catch {
            await receiver.server.shutdown()
            try? await receiver.asyncShutdown()
            throw error
        }
        await receiver.server.shutdown()
        try? await receiver.asyncShutdown()
    }
}
