import ParleyCore
import Testing
import Vapor

@Suite("Users and groups API")
struct UsersAPITests {
    @Test func agentsCreateEndUsersAndOnlyAdminsCreateStaff() async throws {
        try await TestApp.with { t in
            let created = try await t.send(.POST, "/api/v2/users", as: .token(t.agent), json: [
                "user": ["name": "Sam", "email": "Sam@Example.com", "phone": "+4915112345678"],
            ])
            #expect(created.status == .created)
            #expect(created.json["user"]?["role"] == "end-user")
            #expect(created.json["user"]?["email"] == "sam@example.com")
            let id = try #require(created.json["user"]?["id"]?.intValue)

            let identities = try await t.send(.GET, "/api/v2/users/\(id)/identities", as: .token(t.agent))
            let types = identities.json["identities"]?.arrayValue?.compactMap { $0["type"]?.stringValue }.sorted()
            #expect(types == ["email", "phone_number"])

            let agentMakesAgent = try await t.send(.POST, "/api/v2/users", as: .token(t.agent), json: [
                "user": ["name": "Eve", "email": "eve@example.com", "role": "agent"],
            ])
            #expect(agentMakesAgent.status == .forbidden)
            let adminMakesAgent = try await t.send(.POST, "/api/v2/users", as: .token(t.admin), json: [
                "user": ["name": "Eve", "email": "eve@example.com", "role": "agent"],
            ])
            #expect(adminMakesAgent.status == .created)
            #expect(adminMakesAgent.json["user"]?["role"] == "agent")

            let duplicate = try await t.send(.POST, "/api/v2/users", as: .token(t.admin), json: [
                "user": ["name": "Other", "email": "SAM@example.com"],
            ])
            #expect(duplicate.status == .unprocessableEntity)
            #expect(duplicate.json["details"]?["email"] != nil)

            let invalid = try await t.send(.POST, "/api/v2/users", as: .token(t.admin), json: [
                "user": ["email": "not-an-email", "role": "wizard"],
            ])
            #expect(invalid.status == .unprocessableEntity)
            #expect(invalid.json["details"]?["name"] != nil)
            #expect(invalid.json["details"]?["email"] != nil)
            #expect(invalid.json["details"]?["role"] != nil)

            let promote = try await t.send(.PUT, "/api/v2/users/\(id)", as: .token(t.agent),
                                           json: ["user": ["role": "admin"]])
            #expect(promote.status == .forbidden)
            let rename = try await t.send(.PUT, "/api/v2/users/\(id)", as: .token(t.agent),
                                          json: ["user": ["name": "Samantha", "phone": .null]])
            #expect(rename.json["user"]?["name"] == "Samantha")
            #expect(rename.json["user"]?["phone"] == .null)
            let afterRename = try await t.send(.GET, "/api/v2/users/\(id)/identities", as: .token(t.agent))
            #expect(afterRename.json["identities"]?.arrayValue?.count == 1)
        }
    }

    @Test func meAndSearch() async throws {
        try await TestApp.with { t in
            let me = try await t.send(.GET, "/api/v2/users/me.json", as: .token(t.agent))
            #expect(me.json["user"]?["id"] == .int(t.agent.id))
            #expect(me.json["user"]?["role"] == "agent")

            _ = try await t.send(.POST, "/api/v2/users", as: .token(t.agent), json: [
                "user": ["name": "Phone Person", "phone": "+4915100000001"],
            ])
            let byEmail = try await t.send(.GET, "/api/v2/users/search?query=customer@example.com", as: .token(t.agent))
            #expect(byEmail.json["users"]?.arrayValue?.map { $0["id"] } == [.int(t.endUser.id)])
            let byPhone = try await t.send(.GET, "/api/v2/users/search.json?query=%2B4915100000001", as: .token(t.agent))
            #expect(byPhone.json["users"]?.arrayValue?.map { $0["name"] } == ["Phone Person"])
            let none = try await t.send(.GET, "/api/v2/users/search?query=nobody@nowhere.test", as: .token(t.agent))
            #expect(none.json["users"] == [])
            let list = try await t.send(.GET, "/api/v2/users?role=agent", as: .token(t.agent))
            #expect(list.json["users"]?.arrayValue?.map { $0["email"] } == ["agent@example.com"])
        }
    }

    @Test func showManyReturnsTheKnownIdsInOrder() async throws {
        try await TestApp.with { t in
            let many = try await t.send(.GET, "/api/v2/users/show_many.json?ids=\(t.endUser.id),\(t.admin.id),999",
                                        as: .token(t.agent))
            #expect(many.status == .ok)
            #expect(many.json["users"]?.arrayValue?.map { $0["id"] } == [.int(t.admin.id), .int(t.endUser.id)])
            #expect(many.json["users"]?[1]?["email"] == "customer@example.com")
            #expect(many.json["count"] == 2)
            let none = try await t.send(.GET, "/api/v2/users/show_many?ids=998,999", as: .token(t.agent))
            #expect(none.json["users"] == [])
            try await t.send(.GET, "/api/v2/users/show_many", as: .token(t.agent)).expectBadRequest("no ids")
            let tooMany = (1...101).map(String.init).joined(separator: ",")
            try await t.send(.GET, "/api/v2/users/show_many?ids=\(tooMany)", as: .token(t.agent))
                .expectBadRequest("more than 100 ids, as for tickets")
        }
    }

    @Test func agentsCannotEditOtherAgents() async throws {
        try await TestApp.with { t in
            let other = try await t.send(.POST, "/api/v2/users", as: .token(t.admin), json: [
                "user": ["name": "Other Agent", "email": "other@example.com", "role": "agent"],
            ])
            let path = "/api/v2/users/\(try #require(other.json["user"]?["id"]?.intValue))"
            let before = try await t.send(.GET, path, as: .token(t.admin)).json
            for body: JSONValue in [["user": ["name": "Renamed"]], ["user": ["email": "mine@example.com"]],
                                    ["user": ["role": "end-user"]]] {
                let reply = try await t.send(.PUT, path, as: .token(t.agent), json: body)
                #expect(reply.status == .forbidden, "\(body): \(reply.text)")
                #expect(reply.json["error"] == "Forbidden")
            }
            let admin = try await t.send(.PUT, "/api/v2/users/\(t.admin.id)", as: .token(t.agent),
                                         json: ["user": ["name": "Renamed"]])
            #expect(admin.status == .forbidden, "nor admins")
            #expect(try await t.send(.GET, path, as: .token(t.admin)).json == before)
            // Their own record is theirs to edit.
            let own = try await t.send(.PUT, "/api/v2/users/\(t.agent.id)", as: .token(t.agent),
                                       json: ["user": ["name": "Agent Smith"]])
            #expect(own.json["user"]?["name"] == "Agent Smith")
        }
    }

    @Test func adminSetsPasswordAndDeactivates() async throws {
        try await TestApp.with { t in
            let short = try await t.send(.POST, "/api/v2/users/\(t.agent.id)/password", as: .token(t.admin),
                                         json: ["password": "short"])
            #expect(short.status == .unprocessableEntity)
            let set = try await t.send(.POST, "/api/v2/users/\(t.agent.id)/password", as: .token(t.admin),
                                       json: ["password": "a-new-password"])
            #expect(set.status == .ok)
            let newPassword = TestApp.Person(id: t.agent.id, email: t.agent.email, password: "a-new-password", token: nil)
            #expect(try await t.send(.GET, "/api/v2/users/me", as: .password(newPassword)).status == .ok)
            #expect(try await t.send(.GET, "/api/v2/users/me", as: .password(t.agent)).status == .unauthorized)

            let deleted = try await t.send(.DELETE, "/api/v2/users/\(t.agent.id)", as: .token(t.admin))
            #expect(deleted.json["user"]?["active"] == false)
            #expect(try await t.send(.GET, "/api/v2/users/me", as: .token(t.agent)).status == .unauthorized)
        }
    }

    @Test func groupsAreManagedByAdmins() async throws {
        try await TestApp.with { t in
            let byAgent = try await t.send(.POST, "/api/v2/groups", as: .token(t.agent), json: ["group": ["name": "Tier 2"]])
            #expect(byAgent.status == .forbidden)
            let created = try await t.send(.POST, "/api/v2/groups", as: .token(t.admin), json: ["group": ["name": "Tier 2"]])
            #expect(created.status == .created)
            let id = try #require(created.json["group"]?["id"]?.intValue)
            let blank = try await t.send(.POST, "/api/v2/groups", as: .token(t.admin), json: ["group": ["name": " "]])
            #expect(blank.status == .unprocessableEntity)
            let renamed = try await t.send(.PUT, "/api/v2/groups/\(id)", as: .token(t.admin),
                                           json: ["group": ["name": "Escalations"]])
            #expect(renamed.json["group"]?["name"] == "Escalations")
            let list = try await t.send(.GET, "/api/v2/groups", as: .token(t.agent))
            #expect(list.json["groups"]?.arrayValue?.map { $0["name"] } == ["Escalations"])

            let ticket = try await t.createTicket(extra: ["group_id": .int(id)])
            #expect(ticket["group_id"] == .int(id))

            #expect(try await t.send(.DELETE, "/api/v2/groups/\(id)", as: .token(t.admin)).status == .noContent)
            #expect(try await t.send(.GET, "/api/v2/groups/\(id)", as: .token(t.agent)).status == .notFound)
        }
    }
}
