import ParleyCore

extension WhatsAppTemplateModel {
    /// The comment that sends this template: its text as the end user will read it, and what the outbox needs
    /// to send it (named parameters go out with their names). Nil when the count of values is wrong.
    func comment(parameters: [String]) -> NewComment? {
        guard let text = TemplateText.render(body, values: parameters) else { return nil }
        let names = TemplateText.parameters(in: body)
        var spec: [String: JSONValue] = [
            "name": .string(name), "language": .string(language), "category": .string(category),
            "parameters": JSONValue(parameters),
        ]
        if !TemplateText.isPositional(names) { spec["parameter_names"] = JSONValue(names) }
        var comment = NewComment(body: text, isPublic: true)
        comment.metadata = ["system": [:], "custom": [:], "whatsapp": ["template": .object(spec)]]
        return comment
    }
}
