import Fluent
import ParleyCore
import Vapor

/// `/api/v2/triggers`, `/api/v2/automations` and `/api/v2/macros` in Zendesk's JSON: agents read, admins
/// write (macros: agents too). Rules are validated on save; problems name the offending condition or action.
struct RulesController: RouteCollection {
    let kind: RuleEngine.Kind

    var plural: String { kind.rawValue + "s" }
    var singular: String { kind.rawValue }

    static let knownFields: Set<String> = [
        "id", "url", "title", "description", "active", "position", "conditions", "actions", "created_at", "updated_at",
        "restriction", "category_id", "raw_title", "default", "usage_1h", "usage_24h", "usage_7d", "usage_30d",
    ]

    func boot(routes: RoutesBuilder) throws {
        let rules = routes.grouped(PathComponent(stringLiteral: plural))
        rules.get(use: list)
        rules.get("active", use: listActive)
        if kind == .macro { rules.get(":rule_id", "apply", use: showChanges) }
        rules.get(":rule_id", use: show)
        let writers = kind == .macro ? rules : rules.grouped(RequireAdmin())
        writers.post(use: create)
        writers.put(":rule_id", use: update)
        writers.delete(":rule_id", use: delete)
    }

    func list(req: Request) async throws -> JSONValue {
        let query = RuleModel.query(on: req.db).filter(\.$kind == singular)
        if let active = req.query[String.self, at: "active"], let flag = Bool(active.lowercased()) { query.filter(\.$active == flag) }
        let rules = try await query.sort(\.$position).sort(\.$id).all()
        return [.init(stringLiteral: plural): .array(rules.map { $0.json(baseURL: req.baseURL) }), "count": .int(rules.count),
                "next_page": .null, "previous_page": .null]
    }

    func listActive(req: Request) async throws -> JSONValue {
        let rules = try await RuleFactsLoader(db: req.db).activeRules(singular)
        return [.init(stringLiteral: plural): .array(rules.map { $0.json(baseURL: req.baseURL) }), "count": .int(rules.count),
                "next_page": .null, "previous_page": .null]
    }

    /// Zendesk's "Show changes to ticket": what the macro would set, on no ticket in particular.
    func showChanges(req: Request) async throws -> JSONValue {
        let macro = try await find(req)
        let facts = RuleContext.TicketFacts(id: 0, ticket: TicketSnapshot(), channel: "api", createdAt: req.parley.clock.now,
                                            updatedAt: req.parley.clock.now)
        let user = try req.currentUser
        let effects = RuleEngine.apply(macro.actions, in: RuleContext(facts: facts, currentUserID: user.id, currentUserName: user.name,
                                                                      now: req.parley.clock.now))
        return ["result": ["ticket": .object(MacroApplier.changedFields(effects))]]
    }

    func show(req: Request) async throws -> JSONValue {
        [.init(stringLiteral: singular): try await find(req).json(baseURL: req.baseURL)]
    }

    func create(req: Request) async throws -> Response {
        let rule = RuleModel()
        rule.kind = singular
        rule.createdAt = req.parley.clock.now
        rule.position = (try await RuleModel.query(on: req.db).filter(\.$kind == singular).max(\.$position) ?? 0) + 1
        rule.active = true
        rule.conditionsJSON = RuleConditions().json.encodedString()
        try read(req, into: rule, creating: true)
        rule.updatedAt = req.parley.clock.now
        try await req.parley.triggers.forgetting { try await rule.create(on: req.db) }
        return JSONValue.object([singular: rule.json(baseURL: req.baseURL)]).response(status: .created)
    }

    func update(req: Request) async throws -> JSONValue {
        let rule = try await find(req)
        try read(req, into: rule, creating: false)
        rule.updatedAt = req.parley.clock.now
        try await req.parley.triggers.forgetting { try await rule.save(on: req.db) }
        return [.init(stringLiteral: singular): rule.json(baseURL: req.baseURL)]
    }

    func delete(req: Request) async throws -> Response {
        let rule = try await find(req)
        try await req.parley.triggers.forgetting { try await rule.delete(on: req.db) }
        return Response(status: .noContent)
    }

    private func read(_ req: Request, into rule: RuleModel, creating: Bool) throws {
        var body = try RequestBody(req, root: singular, known: Self.knownFields)
        let title = body.string("title")
        let description = body.nullableString("description")
        let active = body.bool("active")
        let position = body.int("position")
        var conditions: RuleConditions?
        if let raw = body.raw("conditions"), !raw.isNull {
            conditions = Self.parseConditions(raw, body: &body)
        }
        var actions: [RuleAction]?
        if let raw = body.raw("actions") {
            actions = Self.parseActions(raw, body: &body)
        }
        if creating && (title?.trimmingCharacters(in: .whitespaces).isEmpty ?? true) { body.fail("title", "is required") }
        if creating && actions == nil { body.fail("actions", "is required") }
        if kind != .macro && creating && conditions == nil { body.fail("conditions", "is required") }
        try body.validate()
        if let title { rule.title = title }
        if let description { rule.description = description }
        if let active { rule.active = active }
        if let position { rule.position = position }
        if let conditions { rule.conditionsJSON = conditions.json.encodedString() }
        if let actions { rule.actionsJSON = JSONValue.array(actions.map(\.json)).encodedString() }
        let problems = RuleEngine.problems(conditions: kind == .macro ? nil : rule.conditions, actions: rule.actions, kind: kind)
        if !problems.isEmpty {
            var details: [String: [String]] = [:]
            for problem in problems {
                let key = String(problem.prefix { $0 != ":" })
                details[key, default: []].append(problem)
            }
            throw APIError.invalid(details)
        }
    }

    static func parseConditions(_ raw: JSONValue, body: inout RequestBody) -> RuleConditions? {
        guard let object = raw.objectValue else {
            body.fail("conditions", "must be an object with all and any arrays")
            return nil
        }
        var result = RuleConditions()
        for key in object.keys where key != "all" && key != "any" { body.fail("conditions.\(key)", "is not all or any") }
        for group in ["all", "any"] {
            guard let list = object[group], !list.isNull else { continue }
            guard let items = list.arrayValue else {
                body.fail("conditions.\(group)", "must be an array")
                continue
            }
            for (index, item) in items.enumerated() {
                guard let field = item["field"]?.stringValue, let op = item["operator"]?.stringValue else {
                    body.fail("conditions.\(group)[\(index)]", "needs a field and an operator")
                    continue
                }
                let condition = RuleCondition(field: field, operator: op, value: item["value"] ?? .null)
                if group == "all" { result.all.append(condition) } else { result.any.append(condition) }
            }
        }
        return result
    }

    static func parseActions(_ raw: JSONValue, body: inout RequestBody) -> [RuleAction]? {
        guard let items = raw.arrayValue else {
            body.fail("actions", "must be an array of {field, value}")
            return nil
        }
        var actions: [RuleAction] = []
        for (index, item) in items.enumerated() {
            guard let field = item["field"]?.stringValue else {
                body.fail("actions[\(index)]", "needs a field")
                continue
            }
            actions.append(RuleAction(field: field, value: item["value"] ?? .null))
        }
        return actions
    }

    func find(_ req: Request) async throws -> RuleModel {
        guard let id = req.parameters.get("rule_id", as: Int.self), let rule = try await RuleModel.find(id, on: req.db),
            rule.kind == singular
        else { throw APIError.notFound() }
        return rule
    }
}

extension RuleModel {
    func json(baseURL: String) -> JSONValue {
        let id = self.id ?? 0
        var object: [String: JSONValue] = [
            "id": .int(id), "url": .string("\(baseURL)/api/v2/\(kind)s/\(id).json"), "title": .string(title),
            "raw_title": .string(title), "description": JSONValue(description), "active": .bool(active), "position": .int(position),
            "actions": .array(actions.map(\.json)), "created_at": JSONValue(createdAt), "updated_at": JSONValue(updatedAt),
        ]
        if kind != "macro" { object["conditions"] = conditions.json } else { object["restriction"] = .null }
        return .object(object)
    }
}
