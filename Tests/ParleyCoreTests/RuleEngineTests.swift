import Foundation
import ParleyCore
import Testing

@Suite("Rules engine")
struct RuleEngineTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func context(_ configure: (inout RuleContext) -> Void = { _ in }) -> RuleContext {
        let ticket = TicketSnapshot(subject: "Printer on fire", status: .open, priority: .normal, type: .incident, tags: ["vip", "printer"],
                                    requesterID: 9, assigneeID: 7, groupID: 3)
        var context = RuleContext(
            facts: .init(id: 42, ticket: ticket, channel: "whatsapp", whatsappIntegrationID: 1, createdAt: now.addingTimeInterval(-50 * 3600),
                         updatedAt: now.addingTimeInterval(-3 * 3600), statusChangedAt: now.addingTimeInterval(-5 * 3600),
                         assignedAt: now.addingTimeInterval(-4 * 3600), requesterUpdatedAt: now.addingTimeInterval(-2 * 3600),
                         lastEndUserMessageAt: now.addingTimeInterval(-22.5 * 3600), lastMessageForwarded: true,
                         requesterName: "Jane Roe", requesterEmail: "jane@example.com", assigneeName: "Alex"),
            updateType: .change, comment: NewComment(body: "The printer is smoking again!", isPublic: true),
            currentUserID: 7, currentUserName: "Alex", now: now)
        configure(&context)
        return context
    }

    func holds(_ field: String, _ op: String, _ value: JSONValue, _ configure: (inout RuleContext) -> Void = { _ in }) -> Bool {
        RuleEngine.holds(RuleCondition(field: field, operator: op, value: value), in: context(configure))
    }

    @Test func valueOperators() {
        #expect(holds("status", "is", "open"))
        #expect(!holds("status", "is", "pending"))
        #expect(holds("status", "is_not", "pending"))
        #expect(holds("priority", "is", "normal"))
        #expect(holds("type", "is", "incident"))
        #expect(holds("group_id", "is", 3))
        #expect(holds("group_id", "is", "3"))
        #expect(holds("assignee_id", "is", "current_user"))
        #expect(holds("requester_id", "is", 9))
        #expect(holds("assignee_id", "is", "") == false)
    }

    @Test func orderOperators() {
        #expect(holds("status", "less_than", "solved"))
        #expect(!holds("status", "greater_than", "pending"))
        #expect(holds("status", "less_than_equal", "open"))
        #expect(holds("priority", "greater_than", "low"))
        #expect(holds("priority", "less_than", "urgent"))
        #expect(holds("status", "greater_than_equal", "open"))
    }

    @Test func changeOperators() {
        let changed: (inout RuleContext) -> Void = { $0.previous.status = .new }
        #expect(holds("status", "changed", .null, changed))
        #expect(!holds("status", "changed", .null))
        #expect(holds("status", "not_changed", .null))
        #expect(holds("status", "value", "open", changed))
        #expect(!holds("status", "value", "solved", changed))
        #expect(holds("status", "value_previous", "new", changed))
        #expect(holds("status", "not_value", "solved", changed))
        #expect(holds("status", "not_value_previous", "pending", changed))
        #expect(!holds("status", "value", "open"), "no change, no match")
        #expect(holds("priority", "changed", .null) == false)
        #expect(holds("status", "changed", .null) { $0.updateType = .create })
        let created: (inout RuleContext) -> Void = { $0.updateType = .create }
        #expect(holds("status", "value", "open", created), "a ticket created open changed to open")
        #expect(!holds("status", "value", "solved", created))
        #expect(!holds("status", "value_previous", "open", created), "a new ticket had no previous status")
        #expect(holds("status", "not_value_previous", "open", created))
    }

    @Test func tagsWordsAndChannel() {
        #expect(holds("current_tags", "includes", "vip other"))
        #expect(!holds("current_tags", "includes", "nope"))
        #expect(holds("current_tags", "not_includes", "nope"))
        #expect(holds("tags", "includes", ["printer"]))
        #expect(holds("comment_includes_word", "includes", "smoking fire"))
        #expect(!holds("comment_includes_word", "includes", "smok"), "whole words only")
        #expect(holds("comment_includes_word", "not_includes", "refund"))
        #expect(holds("comment_includes_word", "is", "is smoking"))
        #expect(holds("subject_includes_word", "includes", "printer"))
        #expect(holds("subject_includes_word", "is_not", "toner"))
        #expect(holds("via_id", "is", "whatsapp"))
        #expect(holds("via_id", "is_not", "email"))
        #expect(holds("via_id", "is", 75))
        #expect(holds("whatsapp_integration_id", "is", 1))
        #expect(holds("update_type", "is", "Change"))
        #expect(holds("update_type", "is", "Create") { $0.updateType = .create })
        #expect(holds("comment_is_public", "is", true))
        #expect(!holds("comment_is_public", "is", false))
        #expect(holds("comment_is_public", "is", false) { $0.comment?.isPublic = false })
    }

    @Test func timeAndWhatsAppConditions() {
        #expect(holds("OPEN", "greater_than", 4))
        #expect(holds("OPEN", "is", 5))
        #expect(!holds("PENDING", "greater_than", 1), "only while the ticket has that status")
        #expect(holds("created_at", "greater_than", 48))
        #expect(holds("updated_at", "less_than", 4))
        #expect(holds("assigned_at", "is", 4))
        #expect(holds("requester_updated_at", "less_than", 3))
        #expect(holds("whatsapp_window_open", "is", true))
        #expect(holds("whatsapp_window_closes_in_hours", "less_than", 2))
        #expect(!holds("whatsapp_window_closes_in_hours", "greater_than", 2))
        #expect(holds("whatsapp_hours_since_last_message", "greater_than", 22))
        #expect(holds("whatsapp_last_message_forwarded", "is", true))
        let closed: (inout RuleContext) -> Void = { $0.now = $0.now.addingTimeInterval(2 * 3600) }
        #expect(holds("whatsapp_window_open", "is", false, closed))
        #expect(!holds("whatsapp_window_closes_in_hours", "less_than", 2, closed), "a closed window is not closing")
        #expect(!holds("whatsapp_window_open", "is", true) { $0.facts.whatsappIntegrationID = nil })
    }

    @Test func allAndAny() {
        let all = RuleConditions(all: [RuleCondition(field: "status", operator: "is", value: "open")],
                                 any: [RuleCondition(field: "priority", operator: "is", value: "high"),
                                       RuleCondition(field: "current_tags", operator: "includes", value: "vip")])
        #expect(RuleEngine.matches(all, in: context()))
        #expect(!RuleEngine.matches(all, in: context { $0.facts.ticket.tags = [] }))
        #expect(RuleEngine.matches(RuleConditions(), in: context()))
    }

    @Test func actions() throws {
        let effects = RuleEngine.apply([
            RuleAction(field: "status", value: "pending"), RuleAction(field: "priority", value: "urgent"),
            RuleAction(field: "type", value: "task"), RuleAction(field: "group_id", value: 5),
            RuleAction(field: "assignee_id", value: "current_user"), RuleAction(field: "current_tags", value: "escalated"),
            RuleAction(field: "remove_tags", value: "printer"),
            RuleAction(field: "comment_value", value: ["channel:all", "Hi {{ticket.requester.first_name}}, ticket {{ticket.id}} is with {{current_user.name}}"]),
            RuleAction(field: "comment_mode_is_public", value: false),
            RuleAction(field: "notification_webhook", value: ["3", "{\"ticket\": {{ticket.id}}, \"title\": \"{{ticket.title}}\"}"]),
            RuleAction(field: "whatsapp_template", value: ["name": "ticket_update", "language": "en_US", "parameters": ["{{ticket.requester.name}}", "#{{ticket.id}}"]]),
        ], in: context())
        #expect(effects.update.status == .pending)
        #expect(effects.update.priority == .some(.urgent))
        #expect(effects.update.type == .some(.task))
        #expect(effects.update.groupID == .some(5))
        #expect(effects.update.assigneeID == .some(7))
        #expect(effects.update.tags == ["vip", "escalated"])
        #expect(effects.comments == [NewComment(body: "Hi Jane, ticket 42 is with Alex", isPublic: false)])
        #expect(effects.webhooks == [.init(id: "3", body: "{\"ticket\": 42, \"title\": \"Printer on fire\"}")])
        #expect(effects.templates.first?["parameters"] == ["Jane Roe", "#42"])
        let byCustomer = RuleEngine.apply([RuleAction(field: "assignee_id", value: "current_user")],
                                          in: context { $0.currentUserIsStaff = false; $0.currentUserID = 9 })
        #expect(byCustomer.update.assigneeID == nil, "the customer who wrote is never made the assignee")
        #expect(RuleEngine.problems(conditions: nil, actions: [RuleAction(field: "assignee_id", value: "bogus")], kind: .macro)
            == ["actions[0]: assignee_id must be an id, current_user or empty"])
        #expect(RuleEngine.problems(conditions: nil, actions: [RuleAction(field: "group_id", value: 4)], kind: .macro).isEmpty)
        let quoted = RuleEngine.apply([
            RuleAction(field: "notification_webhook", value: ["3", "{\"title\": \"{{ticket.title}}\"}"]),
            RuleAction(field: "notification_webhook", value: ["4", "Title: {{ticket.title}}"]),
        ], in: context { $0.facts.ticket.subject = "Say \"hi\"\nback\\" })
        #expect(quoted.webhooks.map(\.body) == ["{\"title\": \"Say \\\"hi\\\"\\nback\\\\\"}", "Title: Say \"hi\"\nback\\"],
                "values are JSON-escaped in a JSON body only")
        #expect(try JSONSerialization.jsonObject(with: Data(quoted.webhooks[0].body.utf8)) as? [String: String]
            == ["title": "Say \"hi\"\nback\\"])
        let setTags = RuleEngine.apply([RuleAction(field: "set_tags", value: "a B")], in: context())
        #expect(setTags.update.tags == ["a", "b"])
        let html = RuleEngine.apply([RuleAction(field: "comment_value_html", value: "<p>Hello <b>{{ticket.requester.name}}</b></p>")], in: context())
        #expect(html.comments.first?.body == "Hello Jane Roe")
        #expect(html.comments.first?.htmlBody == "<p>Hello <b>Jane Roe</b></p>")
        #expect(html.comments.first?.isPublic == true)
    }

    @Test func placeholders() {
        #expect(Placeholders.render("{{ticket.id}}: {{ticket.title}} ({{ticket.status}}) {{unknown.thing}} {{", with: context())
            == "42: Printer on fire (open) {{unknown.thing}} {{")
        #expect(Placeholders.render("{{ ticket.requester.email }}", with: context()) == "jane@example.com")
    }

    @Test func triggersReRunUntilQuietAndFireOncePerUpdate() {
        let tagNew = TriggerCycle.Trigger(id: 1, title: "tag whatsapp", conditions: RuleConditions(all: [
            RuleCondition(field: "via_id", operator: "is", value: "whatsapp"),
            RuleCondition(field: "current_tags", operator: "not_includes", value: "whatsapp")]),
            actions: [RuleAction(field: "current_tags", value: "whatsapp")])
        let escalate = TriggerCycle.Trigger(id: 2, title: "escalate tagged", conditions: RuleConditions(all: [
            RuleCondition(field: "current_tags", operator: "includes", value: "whatsapp")]),
            actions: [RuleAction(field: "priority", value: "high")])
        // The second only matches after the first fired: the cycle starts over.
        let firings = TriggerCycle.run([escalate, tagNew], context: context { $0.facts.ticket.tags = [] })
        #expect(firings.map(\.triggerID) == [1, 2])

        let flip = TriggerCycle.Trigger(id: 3, title: "open to pending", conditions: RuleConditions(all: [
            RuleCondition(field: "status", operator: "is", value: "open")]), actions: [RuleAction(field: "status", value: "pending")])
        let flop = TriggerCycle.Trigger(id: 4, title: "pending to open", conditions: RuleConditions(all: [
            RuleCondition(field: "status", operator: "is", value: "pending")]), actions: [RuleAction(field: "status", value: "open")])
        let loop = TriggerCycle.run([flip, flop], context: context())
        #expect(loop.map(\.triggerID) == [3, 4], "each trigger fires at most once, so rules that undo each other stop")
        #expect(TriggerCycle.run([flip], context: context { $0.facts.ticket.status = .hold }).isEmpty)
    }

    @Test func validationNamesTheOffendingCondition() {
        let bad = RuleEngine.problems(conditions: RuleConditions(all: [
            RuleCondition(field: "status", operator: "explodes", value: "open"),
            RuleCondition(field: "colour", operator: "is", value: "red")]),
            actions: [RuleAction(field: "launch_rocket", value: true)], kind: .trigger)
        #expect(bad.contains { $0.hasPrefix("conditions.all[0]: unknown operator 'explodes'") })
        #expect(bad.contains { $0.hasPrefix("conditions.all[1]: unknown field 'colour'") })
        #expect(bad.contains { $0.hasPrefix("actions[0]: unknown action field") })
        let timeInTrigger = RuleEngine.problems(conditions: RuleConditions(all: [RuleCondition(field: "OPEN", operator: "greater_than", value: 1)]),
                                                actions: [RuleAction(field: "status", value: "pending")], kind: .trigger)
        #expect(timeInTrigger.contains { $0.contains("for automations only") })
        #expect(RuleEngine.problems(conditions: nil, actions: [RuleAction(field: "subject", value: "x")], kind: .macro).isEmpty)
        #expect(!RuleEngine.problems(conditions: RuleConditions(), actions: [RuleAction(field: "subject", value: "x")], kind: .trigger).isEmpty)
        let template = RuleAction(field: "whatsapp_template", value: ["name": "order_update", "language": "en"])
        #expect(RuleEngine.problems(conditions: nil, actions: [template], kind: .macro)
            == ["actions[0]: 'whatsapp_template' is for triggers and automations, not macros"])
        #expect(RuleEngine.problems(conditions: RuleConditions(all: [RuleCondition(field: "status", operator: "is", value: "new")]),
                                    actions: [template], kind: .trigger).isEmpty)
    }

    @Test func automationsMustNullifyThemselves() {
        let closing = RuleConditions(all: [RuleCondition(field: "whatsapp_window_closes_in_hours", operator: "less_than", value: 2),
                                          RuleCondition(field: "current_tags", operator: "not_includes", value: "whatsapp_window_closing")])
        #expect(RuleEngine.problems(conditions: closing, actions: [RuleAction(field: "priority", value: "high"),
                                                                  RuleAction(field: "current_tags", value: "whatsapp_window_closing")],
                                    kind: .automation).isEmpty)
        let forever = RuleEngine.problems(conditions: closing, actions: [RuleAction(field: "priority", value: "high")], kind: .automation)
        #expect(forever.contains { $0.contains("make false") })
        let solved = RuleConditions(all: [RuleCondition(field: "SOLVED", operator: "greater_than", value: 96),
                                         RuleCondition(field: "status", operator: "is", value: "solved")])
        #expect(RuleEngine.problems(conditions: solved, actions: [RuleAction(field: "status", value: "closed")], kind: .automation).isEmpty)
        // Zendesk exports that cancel themselves through a time-status, a group or an assignee are accepted…
        let pending = RuleConditions(all: [RuleCondition(field: "PENDING", operator: "greater_than", value: 48)])
        #expect(RuleEngine.problems(conditions: pending, actions: [RuleAction(field: "status", value: "open")], kind: .automation).isEmpty)
        let triage = RuleConditions(all: [RuleCondition(field: "OPEN", operator: "greater_than", value: 4),
                                          RuleCondition(field: "group_id", operator: "is", value: 3)])
        #expect(RuleEngine.problems(conditions: triage, actions: [RuleAction(field: "group_id", value: 4)], kind: .automation).isEmpty)
        let unassigned = RuleConditions(all: [RuleCondition(field: "NEW", operator: "greater_than", value: 1),
                                              RuleCondition(field: "assignee_id", operator: "is", value: "")])
        #expect(RuleEngine.problems(conditions: unassigned, actions: [RuleAction(field: "assignee_id", value: 7)], kind: .automation).isEmpty)
        // …and ones that do not are still refused.
        #expect(!RuleEngine.problems(conditions: triage, actions: [RuleAction(field: "group_id", value: 3)], kind: .automation).isEmpty)
        #expect(!RuleEngine.problems(conditions: pending, actions: [RuleAction(field: "status", value: "pending")], kind: .automation).isEmpty)
        #expect(!RuleEngine.problems(conditions: pending, actions: [RuleAction(field: "priority", value: "high")], kind: .automation).isEmpty)
        let noTime = RuleEngine.problems(conditions: RuleConditions(all: [RuleCondition(field: "status", operator: "is", value: "solved")]),
                                         actions: [RuleAction(field: "status", value: "closed")], kind: .automation)
        #expect(noTime.contains { $0.contains("time condition") })
    }
}
