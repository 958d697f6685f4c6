import Fluent
import Foundation
import ParleyCore
import SQLKit

/// Triggers, automations, macros, webhooks and their deliveries, the scheduler lease, the ticket times that
/// automations measure, and Parley's default rules (shipped inactive).
struct AddRules: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema(RuleModel.schema)
            .parleyID(database)
            .field("kind", .string, .required)
            .field("title", .string, .required)
            .field("description", .string)
            .field("active", .bool, .required)
            .field("position", .int, .required)
            .field("conditions", .string, .required)
            .field("actions", .string, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()
        try await database.schema(WebhookTargetModel.schema)
            .parleyID(database)
            .field("name", .string, .required)
            .field("endpoint", .string, .required)
            .field("http_method", .string, .required)
            .field("status", .string, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()
        try await database.schema(NotificationModel.schema)
            .parleyID(database)
            .field("webhook_id", .int, .required)
            .field("ticket_id", .int, .required)
            .field("body", .string, .required)
            .field("status", .string, .required)
            .field("attempts", .int, .required)
            .field("next_attempt_at", .datetime, .required)
            .field("last_error", .string)
            .field("claim", .string)
            .field("created_at", .datetime, .required)
            .create()
        try await database.schema(SchedulerLeaseModel.schema)
            .field("name", .string, .identifier(auto: false))
            .field("next_run_at", .datetime, .required)
            .field("holder", .string)
            .field("last_run_at", .datetime)
            .create()
        for field in ["status_changed_at", "assigned_at", "requester_updated_at"] {
            try await database.schema(TicketModel.schema).field(FieldKey(stringLiteral: field), .datetime).update()
        }
        if let sql = database as? SQLDatabase {
            try await sql.create(index: "rules_kind_position").on(RuleModel.schema).column("kind").column("position").run()
            try await sql.create(index: "webhook_deliveries_due").on(NotificationModel.schema).column("status").column("next_attempt_at").run()
        }
        let now = Date()
        for (position, rule) in Self.defaults.enumerated() {
            let model = RuleModel()
            model.kind = rule.kind
            model.title = rule.title
            model.description = rule.description
            model.active = false
            model.position = position + 1
            model.conditionsJSON = rule.conditions.json.encodedString()
            model.actionsJSON = JSONValue.array(rule.actions.map(\.json)).encodedString()
            model.createdAt = now
            model.updatedAt = now
            try await model.create(on: database)
        }
        try await SchedulerLeaseModel.query(on: database).delete()
        let lease = SchedulerLeaseModel()
        lease.id = "automations"
        lease.nextRunAt = now
        try await lease.create(on: database)
    }

    static let defaults: [(kind: String, title: String, description: String, conditions: RuleConditions, actions: [RuleAction])] = [
        ("automation", "WhatsApp window closes within 2 hours",
         "Raises the priority of WhatsApp tickets whose 24-hour reply window is about to close.",
         RuleConditions(all: [
            RuleCondition(field: "whatsapp_window_closes_in_hours", operator: "less_than", value: 2),
            RuleCondition(field: "status", operator: "less_than", value: "solved"),
            RuleCondition(field: "current_tags", operator: "not_includes", value: "whatsapp_window_closing"),
         ]),
         [RuleAction(field: "priority", value: "high"), RuleAction(field: "current_tags", value: "whatsapp_window_closing")]),
        ("automation", "Close ticket 4 days after status is set to solved", "Zendesk's default.",
         RuleConditions(all: [RuleCondition(field: "SOLVED", operator: "greater_than", value: 96),
                              RuleCondition(field: "status", operator: "is", value: "solved")]),
         [RuleAction(field: "status", value: "closed")]),
        ("trigger", "Tag new WhatsApp tickets", "Adds the tag whatsapp to tickets that come in on WhatsApp.",
         RuleConditions(all: [RuleCondition(field: "update_type", operator: "is", value: "Create"),
                              RuleCondition(field: "via_id", operator: "is", value: "whatsapp")]),
         [RuleAction(field: "current_tags", value: "whatsapp")]),
    ]

    func revert(on database: Database) async throws {
        for schema in [SchedulerLeaseModel.schema, NotificationModel.schema, WebhookTargetModel.schema, RuleModel.schema] {
            try await database.schema(schema).delete()
        }
    }
}
