import Fluent
import Foundation
import ParleyCore

/// A trigger, automation or macro, stored in Zendesk's JSON shape.
final class RuleModel: Model, @unchecked Sendable {
    static let schema = "rules"

    @ID(custom: "id", generatedBy: .database) var id: Int?
    /// trigger, automation or macro.
    @Field(key: "kind") var kind: String
    @Field(key: "title") var title: String
    @OptionalField(key: "description") var description: String?
    @Field(key: "active") var active: Bool
    @Field(key: "position") var position: Int
    @Field(key: "conditions") var conditionsJSON: String
    @Field(key: "actions") var actionsJSON: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    /// Listed by hand: Fluent finds them by reflection otherwise, on every query, its costliest step (kept in
    /// step with the declarations above by ModelPropertiesTests).
    var properties: [any AnyProperty] {
        [
            $id, $kind, $title, $description, $active, $position, $conditionsJSON, $actionsJSON, $createdAt, $updatedAt
        ]
    }

    init() {}

    var conditions: RuleConditions {
        let json = (try? JSONValue.parse(Data(conditionsJSON.utf8))) ?? [:]
        func list(_ key: String) -> [RuleCondition] {
            (json[key]?.arrayValue ?? []).map {
                RuleCondition(field: $0["field"]?.stringValue ?? "", operator: $0["operator"]?.stringValue ?? "is", value: $0["value"] ?? .null)
            }
        }
        return RuleConditions(all: list("all"), any: list("any"))
    }

    var actions: [RuleAction] {
        ((try? JSONValue.parse(Data(actionsJSON.utf8)))?.arrayValue ?? []).map {
            RuleAction(field: $0["field"]?.stringValue ?? "", value: $0["value"] ?? .null)
        }
    }

    var trigger: TriggerCycle.Trigger {
        TriggerCycle.Trigger(id: id ?? 0, title: title, conditions: conditions, actions: actions)
    }
}
