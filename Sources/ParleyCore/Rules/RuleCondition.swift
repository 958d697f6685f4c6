/// One condition of a trigger, automation or view: `{"field": "status", "operator": "is", "value": "open"}`.
public struct RuleCondition: Sendable, Equatable {
    public var field: String
    public var `operator`: String
    public var value: JSONValue

    public init(field: String, operator: String, value: JSONValue) {
        self.field = field
        self.operator = `operator`
        self.value = value
    }

    public var json: JSONValue { ["field": .string(field), "operator": .string(`operator`), "value": value] }
}

/// Zendesk's `{"all": [...], "any": [...]}`: every `all` condition and at least one `any` condition (when
/// there are any) must hold.
public struct RuleConditions: Sendable, Equatable {
    public var all: [RuleCondition]
    public var any: [RuleCondition]

    public init(all: [RuleCondition] = [], any: [RuleCondition] = []) {
        self.all = all
        self.any = any
    }

    public var json: JSONValue { ["all": .array(all.map(\.json)), "any": .array(any.map(\.json))] }
}

/// One action: `{"field": "status", "value": "solved"}`.
public struct RuleAction: Sendable, Equatable {
    public var field: String
    public var value: JSONValue

    public init(field: String, value: JSONValue) {
        self.field = field
        self.value = value
    }

    public var json: JSONValue { ["field": .string(field), "value": value] }
}
