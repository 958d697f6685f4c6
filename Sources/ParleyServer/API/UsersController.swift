import Fluent
import ParleyCore
import Vapor

/// `/api/v2/users`: agents read users and create end users; admins manage agents, admins and roles.
struct UsersController: RouteCollection {
    static let sortFields: [SortField<UserModel>] = [
        SortField(name: "id", key: "id", kind: .int) { .int($0.id ?? 0) },
        SortField(name: "created_at", key: "created_at", kind: .date) { .date($0.createdAt.timeIntervalSince1970) },
        SortField(name: "updated_at", key: "updated_at", kind: .date) { .date($0.updatedAt.timeIntervalSince1970) },
        SortField(name: "name", key: "name", kind: .string) { .string($0.name) },
    ]
    static let knownFields: Set<String> = [
        "id", "url", "name", "email", "phone", "role", "active", "suspended", "verified", "external_id", "notes",
        "details", "locale", "locale_id", "time_zone", "default_group_id", "organization_id", "shared_phone_number",
        "photo", "tags", "user_fields", "only_private_comments", "restricted_agent", "moderator",
        "ticket_restriction", "created_at", "updated_at", "last_login_at", "alias", "signature", "identities",
        "skip_verify_email", "role_type", "custom_role_id", "iana_time_zone", "two_factor_auth_enabled", "chat_only",
        "shared", "shared_agent", "report_csv", "result_type",
    ]

    func boot(routes: RoutesBuilder) throws {
        let users = routes.grouped("users")
        users.get(use: list)
        users.post(use: create)
        users.get("me", use: me)
        users.get("search", use: search)
        users.get("show_many", use: showMany)
        users.get(":user_id", use: show)
        users.put(":user_id", use: update)
        users.get(":user_id", "identities", use: identities)
        users.grouped(RequireAdmin()).delete(":user_id", use: delete)
        users.grouped(RequireAdmin()).post(":user_id", "password", use: setPassword)
        users.grouped(RequireAdmin()).put(":user_id", "password", use: setPassword)
    }

    func list(req: Request) async throws -> JSONValue {
        let page = try PageRequest(req, sortable: Self.sortFields.map(\.name))
        let query = UserModel.query(on: req.db)
        let roles = (req.query[[String].self, at: "role"] ?? []) + (req.query[String.self, at: "role"].map { [$0] } ?? [])
        if !roles.isEmpty { query.filter(\.$role ~~ roles) }
        return try await Paginator(request: req, page: page, sortFields: Self.sortFields)
            .list(query, key: "users") { $0.map { $0.json(baseURL: req.baseURL) } }
    }

    func me(req: Request) async throws -> JSONValue {
        ["user": try req.currentUser.json(baseURL: req.baseURL)]
    }

    func show(req: Request) async throws -> JSONValue {
        ["user": try await Self.find(req).json(baseURL: req.baseURL)]
    }

    func showMany(req: Request) async throws -> JSONValue {
        guard let raw = req.query[String.self, at: "ids"] else { throw APIError.badRequest("ids is required") }
        let ids = raw.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        // Zendesk's limit, as for tickets: one page of users.
        guard ids.count <= 100 else { throw APIError.badRequest("ids takes at most 100 ids") }
        let users = try await UserModel.query(on: req.db).filter(\.$id ~~ ids).sort(\.$id).all()
        return ["users": .array(users.map { $0.json(baseURL: req.baseURL) }), "count": .int(users.count),
                "next_page": .null, "previous_page": .null]
    }

    /// `query` matches an email or phone exactly, or a name in part; `external_id` matches exactly.
    func search(req: Request) async throws -> JSONValue {
        let query = UserModel.query(on: req.db)
        if let externalID = req.query[String.self, at: "external_id"] {
            query.filter(\.$externalID == externalID)
        } else if let text = req.query[String.self, at: "query"]?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
            let term = text.hasPrefix("email:") ? String(text.dropFirst(6)) : text
            let identityMatches = try await UserIdentityModel.query(on: req.db)
                .filter(\.$value ~~ [term, term.lowercased()]).all().map(\.userID)
            query.group(.or) { either in
                either.filter(\.$email == term.lowercased())
                either.filter(\.$phone == term)
                either.filter(\.$id ~~ identityMatches)
                either.filter(\.$name ~~ term)
            }
        } else {
            throw APIError.badRequest("give query or external_id")
        }
        let users = try await query.sort(\.$id).limit(100).all()
        return ["users": .array(users.map { $0.json(baseURL: req.baseURL) }), "count": .int(users.count),
                "next_page": .null, "previous_page": .null]
    }

    func create(req: Request) async throws -> Response {
        let actor = try req.currentUser
        var body = try RequestBody(req, root: "user", known: Self.knownFields)
        let name = body.string("name")
        let email = body.string("email")?.lowercased()
        let phone = body.string("phone")
        let role = body.choice("role", UserRole.self) ?? nil
        let externalID = body.string("external_id")
        let notes = body.string("notes")
        if name?.trimmingCharacters(in: .whitespaces).isEmpty ?? true { body.fail("name", "cannot be blank") }
        if let email, !Self.looksLikeEmail(email) { body.fail("email", "\(email) is not a valid email address") }
        try body.validate()
        if (role ?? .endUser) != .endUser, actor.userRole != .admin { throw APIError.forbidden }
        let now = req.parley.clock.now
        let directory = UserDirectory(db: req.db, now: now)
        if let email, try await directory.user(email: email) != nil {
            throw APIError.invalid("email", "Email: \(email) is already being used by another user")
        }
        let user = UserModel(name: name!, email: email, phone: phone, role: role ?? .endUser, now: now)
        user.externalID = externalID
        user.notes = notes
        try await req.db.transaction { db in
            try await user.create(on: db)
            try await UserDirectory(db: db, now: now).syncIdentities(of: user)
        }
        return JSONValue.object(["user": user.json(baseURL: req.baseURL)]).response(status: .created)
    }

    func update(req: Request) async throws -> JSONValue {
        let actor = try req.currentUser
        let user = try await Self.find(req)
        // Agents may edit end users; only admins edit staff or change anybody's role.
        if user.userRole.isStaff, actor.userRole != .admin, user.id != actor.id { throw APIError.forbidden }
        var body = try RequestBody(req, root: "user", known: Self.knownFields)
        let name = body.string("name")
        let email = body.nullableString("email")
        let phone = body.nullableString("phone")
        let role = body.choice("role", UserRole.self)
        let externalID = body.nullableString("external_id")
        let notes = body.nullableString("notes")
        let suspended = body.bool("suspended")
        if let name, name.trimmingCharacters(in: .whitespaces).isEmpty { body.fail("name", "cannot be blank") }
        if case .some(.some(let email)) = email, !Self.looksLikeEmail(email) {
            body.fail("email", "\(email) is not a valid email address")
        }
        if case .some(nil) = role { body.fail("role", "cannot be null") }
        try body.validate()
        if let role = role ?? nil, role.rawValue != user.role {
            guard actor.userRole == .admin else { throw APIError.forbidden }
            guard user.id != actor.id else { throw APIError.invalid("role", "Role: you cannot change your own role") }
        }
        if suspended != nil, actor.userRole != .admin { throw APIError.forbidden }
        let now = req.parley.clock.now
        if case .some(.some(let newEmail)) = email, newEmail.lowercased() != user.email,
            let other = try await UserDirectory(db: req.db, now: now).user(email: newEmail), other.id != user.id
        {
            throw APIError.invalid("email", "Email: \(newEmail) is already being used by another user")
        }
        if let name { user.name = name }
        if let email { user.email = email?.lowercased() }
        if let phone { user.phone = phone }
        if let role = role ?? nil { user.role = role.rawValue }
        if let externalID { user.externalID = externalID }
        if let notes { user.notes = notes }
        if let suspended { user.suspended = suspended }
        user.updatedAt = now
        try await req.db.transaction { db in
            try await user.save(on: db)
            try await UserDirectory(db: db, now: now).syncIdentities(of: user)
        }
        return ["user": user.json(baseURL: req.baseURL)]
    }

    /// Zendesk deletes users softly: they stay as requesters of old tickets but can no longer sign in.
    func delete(req: Request) async throws -> JSONValue {
        let user = try await Self.find(req)
        guard user.id != (try req.currentUser).id else {
            throw APIError.invalid("id", "User: you cannot delete yourself")
        }
        user.active = false
        user.updatedAt = req.parley.clock.now
        try await user.save(on: req.db)
        return ["user": user.json(baseURL: req.baseURL)]
    }

    func setPassword(req: Request) async throws -> JSONValue {
        let user = try await Self.find(req)
        guard let data = req.body.data, let object = try JSONValue.parse(Data(buffer: data)).objectValue else {
            throw APIError.badRequest("expected {\"password\": \"...\"}")
        }
        guard let password = object["password"]?.stringValue else {
            throw APIError.invalid("password", "Password: is required")
        }
        guard !password.contains("\u{0}") else {
            throw APIError.invalid("password", "Password: must not contain a NUL character")
        }
        guard password.count >= 8 else {
            throw APIError.invalid("password", "Password: must be at least 8 characters")
        }
        user.passwordHash = try await PasswordCheck.hash(password, on: req.application)
        user.updatedAt = req.parley.clock.now
        try await user.save(on: req.db)
        return [:]
    }

    func identities(req: Request) async throws -> JSONValue {
        let user = try await Self.find(req)
        let identities = try await UserIdentityModel.query(on: req.db).filter(\.$userID == user.requireID())
            .sort(\.$id).all()
        return ["identities": .array(identities.map { $0.json(baseURL: req.baseURL) }),
                "count": .int(identities.count), "next_page": .null, "previous_page": .null]
    }

    static func find(_ req: Request) async throws -> UserModel {
        guard let id = req.parameters.get("user_id", as: Int.self), let user = try await UserModel.find(id, on: req.db)
        else { throw APIError.notFound() }
        return user
    }

    static func looksLikeEmail(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !text.contains(" ")
    }
}
