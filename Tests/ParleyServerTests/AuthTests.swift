import ParleyCore
@testable import ParleyServer
import Fluent
import Testing
import Vapor

@Suite("Authentication and permissions")
struct AuthTests {
    /// Every API route, and whether it is for admins only. User 3 is the end user of `TestApp`.
    static let routes: [(HTTPMethod, String, adminOnly: Bool)] = [
        (.GET, "/api/v2/tickets", false), (.POST, "/api/v2/tickets", false),
        (.GET, "/api/v2/tickets/show_many?ids=1", false), (.GET, "/api/v2/tickets/1", false),
        (.PUT, "/api/v2/tickets/1", false), (.DELETE, "/api/v2/tickets/1", false),
        (.GET, "/api/v2/tickets/1/comments", false), (.GET, "/api/v2/tickets/1/audits", false),
        (.GET, "/api/v2/users", false), (.POST, "/api/v2/users", false), (.GET, "/api/v2/users/me", false),
        (.GET, "/api/v2/users/search?query=x", false), (.GET, "/api/v2/users/1", false),
        (.PUT, "/api/v2/users/3", false), (.GET, "/api/v2/users/1/identities", false),
        (.DELETE, "/api/v2/users/1", true), (.POST, "/api/v2/users/1/password", true),
        (.GET, "/api/v2/groups", false), (.GET, "/api/v2/groups/1", false), (.POST, "/api/v2/groups", true),
        (.PUT, "/api/v2/groups/1", true), (.DELETE, "/api/v2/groups/1", true),
        (.POST, "/api/v2/uploads?filename=a.txt", false), (.GET, "/api/v2/attachments/1", false),
        (.GET, "/api/v2/attachments/1/content", false),
        (.GET, "/api/v2/api_tokens", true), (.POST, "/api/v2/api_tokens", true),
        (.DELETE, "/api/v2/api_tokens/1", true), (.GET, "/api/v2/account/settings", false),
        (.PUT, "/api/v2/account/settings", true),
        (.GET, "/api/v2/tickets/1/audits/1", false), (.GET, "/api/v2/api_tokens/1", true),
        (.GET, "/api/v2/users/show_many?ids=1,2", false), (.DELETE, "/api/v2/uploads/some-token", false),
        (.PUT, "/api/v2/users/1/password", true),
        // User 1 is the admin and 2 the agent: an agent edits end users and themselves, not other staff.
        (.PUT, "/api/v2/users/1", true),
    ]

    @Test func permissionMatrix() async throws {
        try await TestApp.with { t in
            #expect(t.endUser.id == 3)
            for (method, path, adminOnly) in Self.routes {
                let anonymous = try await t.send(method, path)
                #expect(anonymous.status == .unauthorized, "anonymous \(method) \(path)")
                #expect(anonymous.json["error"] != nil)

                let endUser = try await t.send(method, path, as: .password(t.endUser))
                #expect(endUser.status == .forbidden, "end user \(method) \(path)")

                let wrong = try await t.send(method, path, as: .header("Bearer not-a-token"))
                #expect(wrong.status == .unauthorized, "bad token \(method) \(path)")

                let agent = try await t.send(method, path, as: .token(t.agent))
                if adminOnly {
                    #expect(agent.status == .forbidden, "agent \(method) \(path)")
                } else {
                    #expect(agent.status != .forbidden && agent.status != .unauthorized, "agent \(method) \(path)")
                }
            }
            // Admin routes do work for admins.
            #expect(try await t.send(.GET, "/api/v2/api_tokens", as: .token(t.admin)).status == .ok)
            let health = try await t.send(.GET, "/healthz")
            #expect(health.status == .ok, "health needs no authentication")
            #expect(health.json["database"] == (TestDatabase.postgresServer == nil ? "sqlite" : "postgresql"))
        }
    }

    @Test func tokensAreShownOnceStoredHashedAndRevocable() async throws {
        try await TestApp.with { t in
            let created = try await t.send(.POST, "/api/v2/api_tokens", as: .token(t.admin),
                                           json: ["api_token": ["description": "zenpy"]])
            #expect(created.status == .created)
            let token = try #require(created.json["api_token"]?["token"]?.stringValue)
            let id = try #require(created.json["api_token"]?["id"]?.intValue)
            #expect(token.count >= 32)

            let list = try await t.send(.GET, "/api/v2/api_tokens", as: .token(t.admin))
            #expect(!list.text.contains(token), "the token is never shown again")
            let stored = try await APITokenModel.query(on: t.app.db).all().map(\.tokenHash)
            #expect(!stored.contains(token))

            let viaBasic = TestApp.Person(id: t.agent.id, email: t.agent.email, password: "", token: token)
            #expect(try await t.send(.GET, "/api/v2/users/me", as: .token(viaBasic)).json["user"]?["id"]
                == .int(t.agent.id))
            let viaBearer = TestApp.Person(id: t.admin.id, email: t.admin.email, password: "", token: token)
            #expect(try await t.send(.GET, "/api/v2/users/me", as: .bearer(viaBearer)).json["user"]?["id"]
                == .int(t.admin.id), "a bearer token acts as the admin who made it")

            let shown = try await t.send(.GET, "/api/v2/api_tokens/\(id).json", as: .token(t.admin))
            #expect(shown.status == .ok)
            #expect(shown.json["api_token"]?["description"] == "zenpy")
            #expect(shown.json["api_token"]?["token_hint"] == .string("…" + token.suffix(4)))
            #expect(shown.json["api_token"]?["created_by"] == .int(t.admin.id))
            #expect(shown.json["api_token"]?["token"] == nil)
            #expect(!shown.text.contains(token), "showing one token does not reveal it either")

            #expect(try await t.send(.DELETE, "/api/v2/api_tokens/\(id)", as: .token(t.admin)).status == .noContent)
            try await t.send(.GET, "/api/v2/api_tokens/\(id)", as: .token(t.admin)).expectNotFound("revoked token")
            #expect(try await t.send(.GET, "/api/v2/users/me", as: .token(viaBasic)).status == .unauthorized)
            #expect(try await t.send(.GET, "/api/v2/users/me", as: .bearer(viaBearer)).status == .unauthorized)
        }
    }

    @Test func passwordAccessCanBeTurnedOff() async throws {
        try await TestApp.with { t in
            #expect(try await t.send(.GET, "/api/v2/users/me", as: .password(t.agent)).status == .ok)
            let wrong = TestApp.Person(id: t.agent.id, email: t.agent.email, password: "nope", token: nil)
            #expect(try await t.send(.GET, "/api/v2/users/me", as: .password(wrong)).status == .unauthorized)

            let off = try await t.send(.PUT, "/api/v2/account/settings", as: .token(t.admin),
                                       json: ["settings": ["api": ["password_access": false]]])
            #expect(off.json["settings"]?["api"]?["password_access"] == false)
            let refused = try await t.send(.GET, "/api/v2/users/me", as: .password(t.agent))
            #expect(refused.status == .unauthorized)
            #expect(refused.text.contains("API token"))
            #expect(try await t.send(.GET, "/api/v2/users/me", as: .token(t.agent)).status == .ok)

            let badSetting = try await t.send(.PUT, "/api/v2/account/settings", as: .token(t.admin),
                                              json: ["settings": ["api": ["password_access": "maybe"]]])
            #expect(badSetting.status == .unprocessableEntity)
        }
    }

    @Test func repeatedWrongPasswordsLockSignInWithAClearMessage() async throws {
        try await TestApp.with { t in
            for _ in 0..<LoginThrottle.maxFailures {
                let wrong = try await t.send(.POST, "/login", json: ["email": .string(t.agent.email), "password": "guess"])
                #expect(wrong.status == .unauthorized)
            }
            let locked = try await t.send(.POST, "/login", json: ["email": .string(t.agent.email), "password": .string(t.agent.password)])
            #expect(locked.status == .tooManyRequests, "even the right password waits out the lock")
            #expect(locked.json["description"]?.stringValue?.contains("Try again in 15 minutes") == true)
            let basic = try await t.send(.GET, "/api/v2/users/me", as: .password(t.agent))
            #expect(basic.status == .tooManyRequests, "HTTP Basic with a password is throttled the same way")
            #expect(try await t.send(.GET, "/api/v2/users/me", as: .token(t.agent)).status == .ok, "API tokens are not affected")
        }
    }

    @Test func sessionSignInUsesAFreshHttpOnlyCookie() async throws {
        try await TestApp.with { t in
            let bad = try await t.send(.POST, "/login", json: ["email": "agent@example.com", "password": "nope"])
            #expect(bad.status == .unauthorized)
            let endUser = try await t.send(.POST, "/login", json: ["email": .string(t.endUser.email),
                                                                   "password": .string(t.endUser.password)])
            #expect(endUser.status == .unauthorized, "end users cannot sign in to the agent interface")

            let good = try await t.send(.POST, "/login", json: ["email": .string(t.agent.email),
                                                                "password": .string(t.agent.password)])
            #expect(good.status == .ok)
            let setCookie = try #require(good.headers.first(name: .setCookie))
            #expect(setCookie.contains("HttpOnly"))
            #expect(setCookie.lowercased().contains("samesite=lax"))
            let cookie = try #require(setCookie.split(separator: ";").first.map(String.init))
            var headers = HTTPHeaders()
            headers.replaceOrAdd(name: .cookie, value: cookie)
            let me = try await t.send(.GET, "/api/v2/users/me", headers: headers)
            #expect(me.json["user"]?["id"] == .int(t.agent.id))

            // Signing in again replaces the session id: an id known before sign-in is worthless after it.
            let again = try await t.send(.POST, "/login", json: ["email": .string(t.agent.email),
                                                                 "password": .string(t.agent.password)],
                                         headers: headers)
            let newCookie = try #require(again.headers.first(name: .setCookie)?.split(separator: ";").first.map(String.init))
            #expect(newCookie != cookie)
            #expect(try await t.send(.GET, "/api/v2/users/me", headers: headers).status == .unauthorized)

            var newHeaders = HTTPHeaders()
            newHeaders.replaceOrAdd(name: .cookie, value: newCookie)
            let csrf = try #require(again.json["csrf_token"]?.stringValue)
            #expect(again.json["csrf_token"] != good.json["csrf_token"])

            // With the cookie alone a change is refused: it needs the session's CSRF token too.
            let change: JSONValue = ["ticket": ["comment": ["body": "from the browser"], "requester_id": .int(t.endUser.id)]]
            let forged = try await t.send(.POST, "/api/v2/tickets", json: change, headers: newHeaders)
            #expect(forged.status == .forbidden)
            #expect(forged.json["error"] == "InvalidCSRFToken")
            var wrongToken = newHeaders
            wrongToken.replaceOrAdd(name: "X-CSRF-Token", value: "guess")
            #expect(try await t.send(.POST, "/api/v2/tickets", json: change, headers: wrongToken).status == .forbidden)
            var withToken = newHeaders
            withToken.replaceOrAdd(name: "X-CSRF-Token", value: csrf)
            #expect(try await t.send(.POST, "/api/v2/tickets", json: change, headers: withToken).status == .created)
            #expect(try await t.send(.GET, "/session", headers: newHeaders).json["csrf_token"] == .string(csrf))

            #expect(try await t.send(.POST, "/logout", headers: newHeaders).status == .forbidden, "logging out needs the token too")
            #expect(try await t.send(.POST, "/logout", headers: withToken).status == .noContent)
            #expect(try await t.send(.GET, "/api/v2/users/me", headers: newHeaders).status == .unauthorized)
        }
    }
}

@Suite("Login throttle")
struct LoginThrottleTests {
    @Test func locksAfterTheLimitAndOpensWhenTheWindowPasses() {
        let throttle = LoginThrottle()
        let start = Date(timeIntervalSince1970: 1_000_000)
        let ana = LoginThrottle.keys(email: "Ana@example.com", address: "10.0.0.1")
        for second in 0..<(LoginThrottle.maxFailures - 1) {
            throttle.recordFailure(ana, now: start.addingTimeInterval(Double(second)))
        }
        #expect(throttle.lockedFor(ana, now: start.addingTimeInterval(10)) == nil)
        throttle.recordFailure(ana, now: start.addingTimeInterval(10))
        #expect(throttle.lockedFor(LoginThrottle.keys(email: "ana@example.com", address: "10.0.0.1"),
                                   now: start.addingTimeInterval(20)) == LoginThrottle.window - 20)
        #expect(throttle.lockedFor(LoginThrottle.keys(email: "bo@example.com", address: "10.0.0.1"),
                                   now: start.addingTimeInterval(20)) == nil, "other accounts from that address may still try")
        #expect(throttle.lockedFor(LoginThrottle.keys(email: "ana@example.com", address: "10.0.0.2"),
                                   now: start.addingTimeInterval(20)) == nil, "a stranger's guesses do not lock Ana out")
        #expect(throttle.lockedFor(ana, now: start.addingTimeInterval(LoginThrottle.window + 11)) == nil)
        let cleared = LoginThrottle.keys(email: "c@example.com", address: "10.0.0.3")
        throttle.recordFailure(cleared, now: start)
        throttle.recordSuccess(cleared)
        #expect(throttle.lockedFor(cleared, now: start) == nil)
    }

    @Test func anAddressGuessingAcrossAccountsIsStopped() {
        let throttle = LoginThrottle()
        let start = Date(timeIntervalSince1970: 1_000_000)
        for index in 0..<LoginThrottle.maxFailuresPerAddress {
            throttle.recordFailure(LoginThrottle.keys(email: "user\(index)@example.com", address: "10.9.9.9"), now: start)
        }
        #expect(throttle.lockedFor(LoginThrottle.keys(email: "new@example.com", address: "10.9.9.9"), now: start) != nil)
        #expect(throttle.lockedFor(LoginThrottle.keys(email: "new@example.com", address: "10.9.9.8"), now: start) == nil)
    }
}
