import ParleyCore
@testable import ParleyServer
import Testing

@Suite("Template comments")
struct TemplateCommentTests {
    func template(_ body: String) -> WhatsAppTemplateModel {
        let template = WhatsAppTemplateModel()
        template.name = "order_update"
        template.language = "en"
        template.category = "UTILITY"
        template.body = body
        return template
    }

    @Test func positionalParametersGoByNumber() throws {
        let comment = try #require(template("Ticket {{2}} for {{1}}").comment(parameters: ["Jane", "#7"]))
        #expect(comment.body == "Ticket #7 for Jane", "the stored text is what the end user reads")
        let spec = try #require(comment.metadata?["whatsapp"]?["template"])
        #expect(spec["parameter_names"] == nil)
        #expect(OutboundPart.components(of: spec) == [["type": "body", "parameters": [
            ["type": "text", "text": "Jane"], ["type": "text", "text": "#7"],
        ]]])
    }

    @Test func namedParametersAreSentWithTheirNames() throws {
        let comment = try #require(template("Hi {{customer_name}}, order {{order_id}} shipped").comment(parameters: ["Ana", "42"]))
        #expect(comment.body == "Hi Ana, order 42 shipped")
        let spec = try #require(comment.metadata?["whatsapp"]?["template"])
        #expect(OutboundPart.components(of: spec) == [["type": "body", "parameters": [
            ["type": "text", "text": "Ana", "parameter_name": "customer_name"],
            ["type": "text", "text": "42", "parameter_name": "order_id"],
        ]]])
    }

    @Test func aWrongCountOfValuesIsNoComment() {
        #expect(template("Hi {{1}}").comment(parameters: []) == nil)
        #expect(template("Hi {{1}}").comment(parameters: ["a", "b"]) == nil)
    }
}
