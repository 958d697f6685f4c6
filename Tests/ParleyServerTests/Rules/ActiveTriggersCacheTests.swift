import Fluent
import Foundation
import ParleyCore
@testable import ParleyServer
import Testing
import Vapor

@Suite("Rules: the kept list of active triggers")
struct ActiveTriggersCacheTests {
    /// Sets the ticket's priority (an update triggers run on) and returns its tags afterwards.
    func touch(_ t: TestApp, _ ticketID: Int, priority: String) async throws -> [String] {
        let reply = try await t.send(.PUT, "/api/v2/tickets/\(ticketID)", as: .token(t.agent),
                                     json: ["ticket": ["priority": .string(priority)]])
        #expect(reply.status == .ok, "\(reply.text)")
        return reply.json["ticket"]?["tags"]?.arrayValue?.compactMap(\.stringValue) ?? []
    }

    @Test func everyChangeToATriggerTakesEffectOnTheNextUpdate() async throws {
        try await TestApp.with { t in
            let ticketID = try await t.createTicket().int("id")
            _ = try await touch(t, ticketID, priority: "low")
            // On SQLite the list is kept after the first update, so what follows checks that each write drops it.
            #expect(t.app.parley.triggers.isFilled == (TestDatabase.postgresServer == nil),
                    "instances sharing PostgreSQL read the rules each time")

            let created = try await t.send(.POST, "/api/v2/triggers", as: .token(t.admin), json: ["trigger": [
                "title": "Mark urgent ones", "conditions": ["all": [["field": "priority", "operator": "is", "value": "urgent"]]],
                "actions": [["field": "set_tags", "value": "escalated"]],
            ]])
            #expect(created.status == .created)
            let id = try #require(created.json["trigger"]?["id"]?.intValue)
            #expect(try await touch(t, ticketID, priority: "urgent").contains("escalated"), "a new trigger runs at once")

            let paused = try await t.send(.PUT, "/api/v2/triggers/\(id)", as: .token(t.admin), json: ["trigger": ["active": false]])
            #expect(paused.status == .ok)
            _ = try await t.send(.PUT, "/api/v2/tickets/\(ticketID)", as: .token(t.agent), json: ["ticket": ["tags": []]])
            _ = try await touch(t, ticketID, priority: "low")
            #expect(try await touch(t, ticketID, priority: "urgent").contains("escalated") == false, "a paused trigger stops at once")

            _ = try await t.send(.PUT, "/api/v2/triggers/\(id)", as: .token(t.admin), json: ["trigger": [
                "active": true, "actions": [["field": "set_tags", "value": "hot"]],
            ]])
            _ = try await touch(t, ticketID, priority: "low")
            #expect(try await touch(t, ticketID, priority: "urgent").contains("hot"), "an edited trigger runs as edited")

            #expect(try await t.send(.DELETE, "/api/v2/triggers/\(id)", as: .token(t.admin)).status == .noContent)
            _ = try await t.send(.PUT, "/api/v2/tickets/\(ticketID)", as: .token(t.agent), json: ["ticket": ["tags": []]])
            _ = try await touch(t, ticketID, priority: "low")
            #expect(try await touch(t, ticketID, priority: "urgent").isEmpty, "a deleted trigger is gone at once")
        }
    }
}
