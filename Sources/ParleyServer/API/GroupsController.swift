import Fluent
import ParleyCore
import Vapor

/// `/api/v2/groups`: agents read; admins create, rename and delete.
struct GroupsController: RouteCollection {
    static let knownFields: Set<String> = [
        "id", "url", "name", "description", "default", "deleted", "is_public", "created_at", "updated_at",
    ]
    static let sortFields: [SortField<GroupModel>] = [
        SortField(name: "id", key: "id", kind: .int) { .int($0.id ?? 0) },
        SortField(name: "name", key: "name", kind: .string) { .string($0.name) },
    ]

    func boot(routes: RoutesBuilder) throws {
        let groups = routes.grouped("groups")
        groups.get(use: list)
        groups.get(":group_id", use: show)
        let admin = groups.grouped(RequireAdmin())
        admin.post(use: create)
        admin.put(":group_id", use: update)
        admin.delete(":group_id", use: delete)
    }

    func list(req: Request) async throws -> JSONValue {
        let page = try PageRequest(req, sortable: Self.sortFields.map(\.name))
        let query = GroupModel.query(on: req.db).filter(\.$deleted == false)
        return try await Paginator(request: req, page: page, sortFields: Self.sortFields)
            .list(query, key: "groups") { $0.map { $0.json(baseURL: req.baseURL) } }
    }

    func show(req: Request) async throws -> JSONValue {
        ["group": try await Self.find(req).json(baseURL: req.baseURL)]
    }

    func create(req: Request) async throws -> Response {
        var body = try RequestBody(req, root: "group", known: Self.knownFields)
        let name = body.string("name")?.trimmingCharacters(in: .whitespaces)
        let description = body.string("description")
        if name?.isEmpty ?? true { body.fail("name", "cannot be blank") }
        try body.validate()
        let group = GroupModel(name: name!, description: description, now: req.parley.clock.now)
        try await group.create(on: req.db)
        return JSONValue.object(["group": group.json(baseURL: req.baseURL)]).response(status: .created)
    }

    func update(req: Request) async throws -> JSONValue {
        let group = try await Self.find(req)
        var body = try RequestBody(req, root: "group", known: Self.knownFields)
        let name = body.string("name")?.trimmingCharacters(in: .whitespaces)
        let description = body.nullableString("description")
        if let name, name.isEmpty { body.fail("name", "cannot be blank") }
        try body.validate()
        if let name { group.name = name }
        if let description { group.description = description }
        group.updatedAt = req.parley.clock.now
        try await group.save(on: req.db)
        return ["group": group.json(baseURL: req.baseURL)]
    }

    func delete(req: Request) async throws -> Response {
        let group = try await Self.find(req)
        group.deleted = true
        group.updatedAt = req.parley.clock.now
        try await group.save(on: req.db)
        return Response(status: .noContent)
    }

    static func find(_ req: Request) async throws -> GroupModel {
        guard let id = req.parameters.get("group_id", as: Int.self),
            let group = try await GroupModel.find(id, on: req.db), !group.deleted
        else { throw APIError.notFound() }
        return group
    }
}
