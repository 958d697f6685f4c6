import Fluent
import Foundation
import ParleyCore
import Vapor

/// Macros: what applying one would do (Zendesk's `GET /tickets/{id}/macros/{macro_id}/apply`), and applying
/// them for real with `macro_ids` in a ticket update — through the same code path as any agent's change.
struct MacroApplier {
    let req: Request

    func effects(of macroIDs: [Int], on ticket: TicketModel, by user: UserModel) async throws -> RuleEffects {
        var combined = RuleEffects()
        var facts = try await RuleFactsLoader(db: req.db).facts(for: ticket)
        for id in macroIDs {
            guard let macro = try await RuleModel.find(id, on: req.db), macro.kind == "macro" else {
                throw APIError.invalid("macro_ids", "Macro \(id) does not exist")
            }
            guard macro.active else { throw APIError.invalid("macro_ids", "Macro \(macro.title) is inactive") }
            let context = RuleContext(facts: facts, currentUserID: user.id, currentUserName: user.name, now: req.parley.clock.now)
            let effects = RuleEngine.apply(macro.actions, in: context)
            merge(effects, into: &combined)
            facts.ticket = RuleEngine.snapshot(facts.ticket, after: effects.update)
        }
        return combined
    }

    private func merge(_ effects: RuleEffects, into combined: inout RuleEffects) {
        let update = effects.update
        if let value = update.subject { combined.update.subject = value }
        if let value = update.status { combined.update.status = value }
        if let value = update.priority { combined.update.priority = value }
        if let value = update.type { combined.update.type = value }
        if let value = update.groupID { combined.update.groupID = value }
        if let value = update.assigneeID { combined.update.assigneeID = value }
        if let value = update.tags { combined.update.tags = value }
        combined.comments += effects.comments
        combined.templates += effects.templates
    }

    /// The request's own fields win over the macro's; the macro's comment is used when the request has none.
    static func merge(_ effects: RuleEffects, into request: inout TicketUpdate) {
        let macro = effects.update
        if request.subject == nil { request.subject = macro.subject }
        if request.status == nil { request.status = macro.status }
        if request.priority == nil { request.priority = macro.priority }
        if request.type == nil { request.type = macro.type }
        if request.groupID == nil { request.groupID = macro.groupID }
        if request.assigneeID == nil { request.assigneeID = macro.assigneeID }
        if request.tags == nil { request.tags = macro.tags }
        if request.comment == nil, let comment = effects.comments.first {
            request.comment = comment
            if effects.comments.count > 1 {
                request.comment?.body = effects.comments.map(\.body).joined(separator: "\n\n")
                request.comment?.htmlBody = nil
            }
        }
    }

    /// The preview: the ticket as it would be, and the comment, unsaved.
    func preview(_ macroID: Int, on ticket: TicketModel, by user: UserModel) async throws -> JSONValue {
        let effects = try await effects(of: [macroID], on: ticket, by: user)
        let after = RuleEngine.snapshot(ticket.snapshot, after: effects.update)
        var ticketJSON = try await TicketPresenter(req: req).render(ticket).objectValue ?? [:]
        ticketJSON["subject"] = JSONValue(after.subject)
        ticketJSON["status"] = .string(after.status.rawValue)
        ticketJSON["priority"] = JSONValue(after.priority?.rawValue)
        ticketJSON["type"] = JSONValue(after.type?.rawValue)
        ticketJSON["group_id"] = JSONValue(after.groupID)
        ticketJSON["assignee_id"] = JSONValue(after.assigneeID)
        ticketJSON["tags"] = JSONValue(after.tags)
        var result: [String: JSONValue] = [:]
        if let comment = Self.commentJSON(effects) {
            result["comment"] = comment
            // Zendesk nests it in the ticket too, so a client can send the previewed ticket back as the update.
            ticketJSON["comment"] = ["body": comment["body"] ?? "", "html_body": comment["html_body"] ?? "",
                                     "public": comment["public"] ?? true]
        }
        result["ticket"] = .object(ticketJSON)
        return ["result": .object(result)]
    }

    static func commentJSON(_ effects: RuleEffects) -> JSONValue? {
        guard let comment = effects.comments.first else { return nil }
        let body = effects.comments.map(\.body).joined(separator: "\n\n")
        return ["body": .string(body), "html_body": .string(comment.htmlBody ?? CommentHTML.render(body)),
                "scoped_body": [["channel:all", .string(body)]], "public": .bool(comment.isPublic)]
    }

    /// Only what the macro sets (Zendesk's "show changes" answer).
    static func changedFields(_ effects: RuleEffects) -> [String: JSONValue] {
        var fields: [String: JSONValue] = [:]
        let update = effects.update
        if let subject = update.subject { fields["subject"] = .string(subject) }
        if let status = update.status { fields["status"] = .string(status.rawValue) }
        if let priority = update.priority { fields["priority"] = JSONValue(priority?.rawValue) }
        if let type = update.type { fields["type"] = JSONValue(type?.rawValue) }
        if let group = update.groupID { fields["group_id"] = JSONValue(group) }
        if let assignee = update.assigneeID { fields["assignee_id"] = JSONValue(assignee) }
        if let tags = update.tags { fields["tags"] = JSONValue(tags) }
        if let comment = commentJSON(effects) { fields["comment"] = comment }
        return fields
    }
}
