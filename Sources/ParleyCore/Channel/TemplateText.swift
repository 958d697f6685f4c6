/// WhatsApp template bodies with positional (`{{1}}`) or named (`{{customer_name}}`) parameters.
public enum TemplateText {
    /// The distinct parameter names in order of first use.
    public static func parameters(in body: String) -> [String] {
        var names: [String] = []
        var rest = Substring(body)
        while let open = rest.range(of: "{{"), let close = rest.range(of: "}}", range: open.upperBound..<rest.endIndex) {
            let name = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            if !name.isEmpty && !names.contains(name) { names.append(name) }
            rest = rest[close.upperBound...]
        }
        return names
    }

    /// The body with each parameter replaced by its value, in the order `parameters(in:)` lists them.
    /// Returns nil when the count of values does not match.
    public static func render(_ body: String, values: [String]) -> String? {
        let names = parameters(in: body)
        guard names.count == values.count else { return nil }
        var text = body
        for (name, value) in zip(names, values) {
            text = text.replacingOccurrences(of: "{{\(name)}}", with: value)
                .replacingOccurrences(of: "{{ \(name) }}", with: value)
        }
        return text
    }
}

import Foundation
