/// Zendesk-style placeholders in rule comments and webhook bodies: `{{ticket.id}}`, `{{ticket.title}}`,
/// `{{ticket.requester.name}}`, `{{current_user.name}}`… Unknown ones are left as written.
public enum Placeholders {
    public static func values(for context: RuleContext) -> [String: String] {
        let ticket = context.facts.ticket
        let requester = context.facts.requesterName ?? ""
        return [
            "ticket.id": String(context.facts.id),
            "ticket.title": ticket.subject ?? "",
            "ticket.subject": ticket.subject ?? "",
            "ticket.description": ticket.description ?? "",
            "ticket.status": ticket.status.rawValue,
            "ticket.priority": ticket.priority?.rawValue ?? "",
            "ticket.ticket_type": ticket.type?.rawValue ?? "",
            "ticket.tags": ticket.tags.joined(separator: " "),
            "ticket.via": context.facts.channel,
            "ticket.requester.name": requester,
            "ticket.requester.first_name": requester.split(separator: " ").first.map(String.init) ?? requester,
            "ticket.requester.email": context.facts.requesterEmail ?? "",
            "ticket.assignee.name": context.facts.assigneeName ?? "",
            "current_user.name": context.currentUserName ?? "",
        ]
    }

    /// `escape` adapts each value to where it lands (a JSON string in a webhook body); literal text is kept.
    public static func render(_ text: String, with context: RuleContext, escape: (String) -> String = { $0 }) -> String {
        let values = values(for: context).mapValues(escape)
        var result = ""
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            result += rest[..<open.lowerBound]
            guard let close = rest.range(of: "}}", range: open.upperBound..<rest.endIndex) else {
                result += rest[open.lowerBound...]
                return result
            }
            let name = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            result += values[name] ?? String(rest[open.lowerBound..<close.upperBound])
            rest = rest[close.upperBound...]
        }
        return result + rest
    }

    /// A value inside a JSON string: a subject with a quote or a line break must not break the body.
    public static func jsonEscaped(_ value: String) -> String {
        var escaped = ""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            case "\r": escaped += "\\r"
            case "\t": escaped += "\\t"
            case _ where scalar.value < 0x20: escaped += String(format: "\\u%04x", scalar.value)
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }
}
