import Foundation
import ParleyCore
import Testing

@Suite("Reply decision and templates")
struct ReplyDecisionTests {
    let sent = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func freeFormNeedsAnOpenWindow() {
        let window = ReplyWindow(lastEndUserMessageAt: sent)
        #expect(ReplyDecision.decide(window: window, isTemplate: false, now: sent.addingTimeInterval(24 * 3600 - 1)) == .send)
        let late = ReplyDecision.decide(window: window, isTemplate: false, now: sent.addingTimeInterval(24 * 3600 + 1))
        #expect(late == .refuse(closedAt: sent.addingTimeInterval(24 * 3600)))
        #expect(late.reason?.contains("24-hour window closed at") == true)
        #expect(ReplyDecision.decide(window: window, isTemplate: false, now: sent.addingTimeInterval(24 * 3600)) != .send)
    }

    @Test func templatesGoAnyTimeAndNobodyStartsWithFreeForm() {
        let never = ReplyWindow(lastEndUserMessageAt: nil)
        #expect(ReplyDecision.decide(window: never, isTemplate: true, now: sent) == .send)
        let refused = ReplyDecision.decide(window: never, isTemplate: false, now: sent)
        #expect(refused == .refuse(closedAt: nil))
        #expect(refused.reason?.contains("never written") == true)
        #expect(ReplyDecision.send.reason == nil)
    }

    @Test func templateParameters() {
        #expect(TemplateText.parameters(in: "Hi {{1}}, ticket {{2}} was updated by {{1}}.") == ["1", "2"])
        #expect(TemplateText.render("Hi {{1}}, ticket {{2}}.", values: ["Jane", "#7"]) == "Hi Jane, ticket #7.")
        #expect(TemplateText.render("Hi {{customer_name}}", values: ["Ana"]) == "Hi Ana")
        // WhatsApp fills {{1}} with the first value wherever the body puts it.
        #expect(TemplateText.parameters(in: "Ticket {{2}} for {{1}}") == ["1", "2"])
        #expect(TemplateText.render("Ticket {{2}} for {{1}}", values: ["Jane", "#7"]) == "Ticket #7 for Jane")
        #expect(TemplateText.render("Hi {{1}}, {{2}}", values: ["{{2}}", "x"]) == "Hi {{2}}, x", "a value is not a slot")
        #expect(TemplateText.isPositional(["1", "2"]))
        #expect(!TemplateText.isPositional(["customer_name"]))
        #expect(TemplateText.render("Hi {{1}}", values: []) == nil)
        #expect(TemplateText.render("No parameters", values: []) == "No parameters")
        #expect(TemplateText.parameters(in: "broken {{1") == [])
    }
}
