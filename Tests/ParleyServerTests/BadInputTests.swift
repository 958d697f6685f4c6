import ParleyCore
import Testing
import Vapor

/// Unknown fields, wrong types and missing required fields on every writing endpoint but ticket creation (which
/// `TicketsAPITests` covers): each answers Zendesk's error body and leaves what is stored as it was. Every bad body
/// also carries one valid change, so a handler that applied fields before validating would be caught.
@Suite("Bad input on every resource")
struct BadInputTests {
    @Test func ticketUpdate() async throws {
        try await TestApp.with { t in
            let id = try await t.createTicket(subject: "Original").int("id")
            let path = "/api/v2/tickets/\(id)"
            let before = try await snapshot(t, path, "\(path)/audits", "\(path)/comments")

            try await t.send(.PUT, path, as: .token(t.agent), json: ["ticket": ["subject": "Changed", "colour": "red"]])
                .expectRecordInvalid(["colour"], "unknown field")
            try await t.send(.PUT, path, as: .token(t.agent), json: [
                "ticket": ["subject": 42, "tags": 5, "assignee_id": "abc", "status": true, "priority": "urgentest"],
            ]).expectRecordInvalid(["subject", "tags", "assignee_id", "status", "priority"], "wrong types")
            try await t.send(.PUT, path, as: .token(t.agent), json: [
                "ticket": ["status": "open", "comment": ["body": 5, "public": "yes", "colour": "red"]],
            ]).expectRecordInvalid(["comment.body", "comment.public", "comment.colour"], "wrong comment")
            try await t.send(.PUT, path, as: .token(t.agent), json: ["ticket": ["status": .null, "subject": "Changed"]])
                .expectRecordInvalid(["status"], "null status")
            try await t.send(.PUT, path, as: .token(t.agent), json: ["ticket": ["comment": "just text", "status": "open"]])
                .expectRecordInvalid(["comment"], "comment not an object")
            try await t.send(.PUT, path, as: .token(t.agent), json: ["subject": "Changed"])
                .expectRecordInvalid(["ticket"], "missing envelope")
            try await t.send(.PUT, path, as: .token(t.agent), json: ["ticket": ["Changed"]])
                .expectRecordInvalid(["ticket"], "envelope not an object")
            try await t.send(.PUT, path, as: .token(t.agent)).expectBadRequest("empty body")
            try await t.send(.PUT, path, as: .token(t.agent), raw: "{\"ticket\": {\"subject\": \"Changed\"")
                .expectBadRequest("not JSON")

            #expect(try await snapshot(t, path, "\(path)/audits", "\(path)/comments") == before)
        }
    }

    @Test func userCreate() async throws {
        try await TestApp.with { t in
            let before = try await snapshot(t, "/api/v2/users")
            for (body, fields, what) in [
                (["user": ["name": "Ok", "email": "ok@example.com", "colour": "red"]], ["colour"], "unknown field"),
                (["user": ["name": 42, "email": 42, "role": 7, "phone": ["+49"]]], ["name", "email", "role", "phone"], "wrong types"),
                (["user": ["email": "ok@example.com"]], ["name"], "missing name"),
                (["user": ["name": "Ok", "email": "not-an-email"]], ["email"], "malformed email"),
                (["user": ["name": "Ok", "role": "king"]], ["role"], "unknown role"),
                (["name": "Ok", "email": "ok@example.com"], ["user"], "missing envelope"),
            ] as [(JSONValue, [String], String)] {
                try await t.send(.POST, "/api/v2/users", as: .token(t.admin), json: body).expectRecordInvalid(fields, what)
            }
            try await t.send(.POST, "/api/v2/users", as: .token(t.admin)).expectBadRequest("empty body")
            #expect(try await snapshot(t, "/api/v2/users") == before)
            let search = try await t.send(.GET, "/api/v2/users/search?query=ok@example.com", as: .token(t.agent))
            #expect(search.json["users"] == [])
        }
    }

    @Test func userUpdate() async throws {
        try await TestApp.with { t in
            let path = "/api/v2/users/\(t.endUser.id)"
            let before = try await snapshot(t, path, "\(path)/identities")
            for (body, fields, what) in [
                (["user": ["name": "Changed", "colour": "red"]], ["colour"], "unknown field"),
                (["user": ["name": 42, "email": 42, "suspended": "yes", "phone": 5]], ["name", "email", "suspended", "phone"], "wrong types"),
                (["user": ["name": "Changed", "role": .null]], ["role"], "null role"),
                (["user": ["name": "Changed", "role": "king"]], ["role"], "unknown role"),
                (["user": ["name": " ", "phone": "+4915100000009"]], ["name"], "blank name"),
                (["user": ["name": "Changed", "email": "not-an-email"]], ["email"], "malformed email"),
                (["name": "Changed"], ["user"], "missing envelope"),
            ] as [(JSONValue, [String], String)] {
                try await t.send(.PUT, path, as: .token(t.admin), json: body).expectRecordInvalid(fields, what)
            }
            try await t.send(.PUT, path, as: .token(t.admin)).expectBadRequest("empty body")
            #expect(try await snapshot(t, path, "\(path)/identities") == before)
        }
    }

    @Test func groupCreateAndUpdate() async throws {
        try await TestApp.with { t in
            let created = try await t.send(.POST, "/api/v2/groups", as: .token(t.admin), json: ["group": ["name": "Tier 1"]])
            let path = "/api/v2/groups/\(try #require(created.json["group"]?["id"]?.intValue))"
            let before = try await snapshot(t, "/api/v2/groups", path)

            for (body, fields, what) in [
                (["group": ["name": "Tier 2", "colour": "red"]], ["colour"], "unknown field"),
                (["group": ["name": 42, "description": 7]], ["name", "description"], "wrong types"),
                (["group": ["description": "no name"]], ["name"], "missing name"),
                (["name": "Tier 2"], ["group"], "missing envelope"),
            ] as [(JSONValue, [String], String)] {
                try await t.send(.POST, "/api/v2/groups", as: .token(t.admin), json: body).expectRecordInvalid(fields, "create: \(what)")
            }
            for (body, fields, what) in [
                (["group": ["name": "Renamed", "colour": "red"]], ["colour"], "unknown field"),
                (["group": ["name": 42]], ["name"], "wrong type"),
                (["group": ["name": "Renamed", "description": 7]], ["description"], "wrong description"),
                (["group": ["name": ""]], ["name"], "blank name"),
                (["name": "Renamed"], ["group"], "missing envelope"),
            ] as [(JSONValue, [String], String)] {
                try await t.send(.PUT, path, as: .token(t.admin), json: body).expectRecordInvalid(fields, "update: \(what)")
            }
            try await t.send(.POST, "/api/v2/groups", as: .token(t.admin), raw: "[").expectBadRequest("not JSON")
            #expect(try await snapshot(t, "/api/v2/groups", path) == before)
        }
    }

    @Test func apiTokenCreate() async throws {
        try await TestApp.with { t in
            // Tokens are compared without `last_used_at`, which the admin's own requests here may move.
            func tokens() async throws -> [JSONValue] {
                try await snapshot(t, "/api/v2/api_tokens")[0]["api_tokens"]?.arrayValue?
                    .map { ["id": $0["id"] ?? .null, "description": $0["description"] ?? .null] } ?? []
            }
            let before = try await tokens()
            #expect(before.count == 2)
            for (body, fields, what) in [
                (["api_token": ["description": "ci", "scopes": ["read"]]], ["scopes"], "unknown field"),
                (["api_token": ["description": 42]], ["description"], "wrong type"),
                (["description": "ci"], ["api_token"], "missing envelope"),
                (["api_token": "ci"], ["api_token"], "envelope not an object"),
            ] as [(JSONValue, [String], String)] {
                let reply = try await t.send(.POST, "/api/v2/api_tokens", as: .token(t.admin), json: body)
                reply.expectRecordInvalid(fields, what)
                #expect(reply.json["api_token"] == nil, "no token is handed out: \(what)")
            }
            try await t.send(.POST, "/api/v2/api_tokens", as: .token(t.admin)).expectBadRequest("empty body")
            #expect(try await tokens() == before)
        }
    }

    @Test func accountSettingsUpdate() async throws {
        try await TestApp.with { t in
            let path = "/api/v2/account/settings"
            let before = try await snapshot(t, path)
            #expect(before[0]["settings"]?["api"]?["password_access"] == true)
            for (body, fields, what) in [
                (["settings": ["api": ["password_access": false], "colour": "red"]], ["colour"], "unknown top-level key"),
                (["settings": ["api": ["password_access": false, "ip_allowlist": []]]], ["api.ip_allowlist"], "unknown api key"),
                (["settings": ["api": ["password_access": "no"]]], ["api.password_access"], "wrong type"),
                (["settings": ["api": "off"]], ["api"], "api not an object"),
                (["api": ["password_access": false]], ["settings"], "missing envelope"),
            ] as [(JSONValue, [String], String)] {
                try await t.send(.PUT, path, as: .token(t.admin), json: body).expectRecordInvalid(fields, what)
            }
            #expect(try await snapshot(t, path) == before)
            // Still on: HTTP Basic with a password keeps working.
            #expect(try await t.send(.GET, "/api/v2/users/me", as: .password(t.agent)).status == .ok)
        }
    }

    /// What the paths answer an admin now, to compare before and after refused requests.
    private func snapshot(_ t: TestApp, _ paths: String...) async throws -> [JSONValue] {
        var result: [JSONValue] = []
        for path in paths {
            let reply = try await t.send(.GET, path, as: .token(t.admin))
            #expect(reply.status == .ok, "\(path): \(reply.text)")
            result.append(reply.json)
        }
        return result
    }
}
