import Fluent
import Foundation
import ParleyCore

/// Applies what a fired trigger or automation does, inside the update's transaction: field changes (checked
/// by the ticket workflow like any change), comments, WhatsApp templates and webhook calls queued for after
/// the commit. Every firing is an event naming the rule and its changes.
struct RuleApplier {
    let db: Database
    let now: Date

    func apply(_ effects: RuleEffects, to ticket: TicketModel, rule: (kind: String, id: Int, title: String))
        async throws -> ([AuditEvent], [NewComment])
    {
        var events: [AuditEvent] = []
        var changes: [AuditEvent] = []
        var notes: [String] = []
        if !effects.update.isEmpty {
            let before = ticket.snapshot
            do {
                let outcome = try TicketWorkflow.update(before, with: effects.update, by: .rule, now: now)
                ticket.apply(outcome.ticket)
                if ticket.status != before.status.rawValue { ticket.statusChangedAt = now }
                if ticket.assigneeID != before.assigneeID && ticket.assigneeID != nil { ticket.assignedAt = now }
                ticket.updatedAt = now
                changes = outcome.events.map { event in
                    var change = event
                    change.data["via_rule"] = .string(rule.title)
                    return change
                }
            } catch {
                notes.append(error.details.values.flatMap { $0 }.joined(separator: "; "))
            }
        }
        var comments = effects.comments
        for template in effects.templates {
            switch try await templateComment(template, ticket: ticket) {
            case .success(let comment): comments.append(comment)
            case .failure(let reason): notes.append(reason.message)
            }
        }
        let ticketID = try ticket.requireID()
        var notifications: [AuditEvent] = []
        for webhook in effects.webhooks {
            guard let id = Int(webhook.id), let target = try await WebhookTargetModel.find(id, on: db), target.status == "active" else {
                notes.append("webhook \(webhook.id) does not exist or is inactive")
                continue
            }
            let delivery = NotificationModel()
            delivery.webhookID = try target.requireID()
            delivery.ticketID = ticketID
            delivery.body = webhook.body
            delivery.status = "queued"
            delivery.attempts = 0
            delivery.nextAttemptAt = now
            delivery.createdAt = now
            try await delivery.create(on: db)
            // Zendesk's Notification event: who was told, by which rule (the call itself happens after the commit).
            notifications.append(AuditEvent(type: .notification, data: [
                "webhook_id": .int(try target.requireID()), "subject": .string(target.name), "via_rule": .string(rule.title),
                "notification_id": JSONValue(delivery.id),
            ]))
        }
        var fired: [String: JSONValue] = [
            "rule_type": .string(rule.kind), "rule_id": .int(rule.id), "title": .string(rule.title),
            "changes": .array(changes.map { ["field_name": JSONValue($0.fieldName), "value": $0.value ?? .null,
                                             "previous_value": $0.previousValue ?? .null] }),
        ]
        if !notes.isEmpty { fired["notes"] = JSONValue(notes) }
        events.append(AuditEvent(type: .ruleFired, data: fired))
        events += changes
        events += comments.map { .comment(isPublic: $0.isPublic) }
        events += notifications
        return (events, comments)
    }

    struct TemplateProblem: Error { let message: String }

    /// A `whatsapp_template` action becomes a template comment, sent like an agent's template.
    private func templateComment(_ spec: JSONValue, ticket: TicketModel) async throws -> Result<NewComment, TemplateProblem> {
        guard let integrationID = ticket.whatsappIntegrationID,
            let integration = try await WhatsAppIntegrationModel.find(integrationID, on: db)
        else { return .failure(TemplateProblem(message: "template not sent: not a WhatsApp ticket")) }
        guard integration.templatesEnabled else {
            return .failure(TemplateProblem(message: "template not sent: templates are off for this WhatsApp number"))
        }
        let name = spec["name"]?.stringValue ?? ""
        let language = spec["language"]?.stringValue ?? "en_US"
        let parameters = spec["parameters"]?.arrayValue?.compactMap(\.stringValue) ?? []
        guard let template = try await WhatsAppTemplateModel.query(on: db).filter(\.$integrationID == integrationID)
            .filter(\.$name == name).filter(\.$language == language).first(), template.status == "APPROVED",
            let comment = template.comment(parameters: parameters)
        else { return .failure(TemplateProblem(message: "template not sent: \(name) (\(language)) is not an approved template with \(parameters.count) parameters")) }
        return .success(comment)
    }
}
