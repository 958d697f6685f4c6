import Fluent
import Foundation
import ParleyCore
@testable import ParleyServer
import Testing
import Vapor
import VaporTesting

/// A configured Parley on its own database, with an admin, an agent and an end user, each with credentials.
struct TestApp {
    struct Person {
        let id: Int
        let email: String
        let password: String
        let token: String?
    }

    let app: Application
    let admin: Person
    let agent: Person
    let endUser: Person

    static let password = "correct-horse-battery"

    /// Runs `body` against a fresh Parley and always shuts it down and removes its database; `adjust` changes
    /// settings beyond the test defaults.
    static func with(adjust: (inout ParleySettings) -> Void = { _ in }, _ body: (TestApp) async throws -> Void) async throws {
        try await TestDatabase.with { database in try await run(on: database, adjust: adjust, body) }
    }

    static func run(
        on database: TestDatabase, graphURL: String? = nil, clock: ParleyClock = ParleyClock(), rate: Double = 80,
        adjust: (inout ParleySettings) -> Void = { _ in }, _ body: (TestApp) async throws -> Void
    ) async throws {
        let app = try await Application.make(.testing)
        do {
            var settings = ParleySettings(
                databaseURL: database.url, dataDirectory: database.dataDirectory, bcryptCost: 4, logLevel: .warning)
            if let graphURL { settings.graphURL = graphURL }
            settings.whatsappRatePerSecond = rate
            adjust(&settings)
            try await configure(app, settings: settings, clock: clock)
            let testApp = try await TestApp(app: app)
            try await body(testApp)
        } catch {
            await app.server.shutdown()
            try? await app.shutdownWhenIdle()
            throw error
        }
        await app.server.shutdown()
        try await app.shutdownWhenIdle()
    }

    private init(app: Application) async throws {
        self.app = app
        admin = try await TestApp.person(app, role: .admin, email: "admin@example.com")
        agent = try await TestApp.person(app, role: .agent, email: "agent@example.com")
        endUser = try await TestApp.person(app, role: .endUser, email: "customer@example.com", withToken: false)
    }

    private static func person(_ app: Application, role: UserRole, email: String, withToken: Bool = true) async throws
        -> Person
    {
        let user = UserModel(name: role.rawValue.capitalized, email: email, role: role, now: Date())
        user.passwordHash = try Bcrypt.hash(password, cost: 4)
        try await user.create(on: app.db)
        var token: String?
        if withToken {
            let plain = APIToken.generate()
            let stored = APITokenModel()
            stored.description = "test"
            stored.tokenHash = APIToken.hash(plain)
            stored.tokenHint = APIToken.hint(plain)
            stored.createdBy = try user.requireID()
            stored.createdAt = Date()
            try await stored.create(on: app.db)
            token = plain
        }
        return Person(id: try user.requireID(), email: email, password: password, token: token)
    }

    enum Auth {
        case none
        case token(Person)
        case bearer(Person)
        case password(Person)
        case header(String)
    }

    struct Reply {
        let status: HTTPStatus
        let headers: HTTPHeaders
        let body: ByteBuffer
        var json: JSONValue { (try? JSONValue.parse(Data(buffer: body))) ?? .null }
        var text: String { String(buffer: body) }
    }

    /// Sends one request through the whole middleware stack (no network).
    @discardableResult
    func send(
        _ method: HTTPMethod, _ path: String, as auth: Auth = .none, json: JSONValue? = nil, raw: String? = nil,
        headers extra: HTTPHeaders = [:], bytes: Data? = nil
    ) async throws -> Reply {
        var headers = extra
        switch auth {
        case .none: break
        case .token(let person): headers.basicAuthorization = .init(username: person.email + "/token", password: person.token!)
        case .bearer(let person): headers.bearerAuthorization = .init(token: person.token!)
        case .password(let person): headers.basicAuthorization = .init(username: person.email, password: person.password)
        case .header(let value): headers.replaceOrAdd(name: .authorization, value: value)
        }
        var reply: Reply?
        try await app.testing().test(method, path, headers: headers, beforeRequest: { request in
            if let json {
                request.headers.contentType = .json
                request.body = ByteBuffer(data: json.encoded())
            } else if let raw {
                request.headers.contentType = .json
                request.body = ByteBuffer(string: raw)
            } else if let bytes {
                request.body = ByteBuffer(data: bytes)
            }
        }, afterResponse: { response in
            reply = Reply(status: response.status, headers: response.headers, body: response.body)
        })
        return reply!
    }

    /// Creates a ticket as the agent and returns its JSON.
    func createTicket(subject: String = "Printer", body: String = "It is on fire", extra: [String: JSONValue] = [:])
        async throws -> JSONValue
    {
        var ticket: [String: JSONValue] = ["subject": .string(subject), "comment": ["body": .string(body)],
                                           "requester_id": .int(endUser.id)]
        for (key, value) in extra { ticket[key] = value }
        let reply = try await send(.POST, "/api/v2/tickets", as: .token(agent), json: ["ticket": .object(ticket)])
        #expect(reply.status == .created, "\(reply.text)")
        return reply.json["ticket"] ?? .null
    }
}
