/// WhatsApp template bodies with positional (`{{1}}`) or named (`{{customer_name}}`) parameters.
public enum TemplateText {
    /// The distinct parameter names: positional ones by number (WhatsApp fills `{{1}}` with the first value
    /// whatever order the body uses them in), named ones in order of first use.
    public static func parameters(in body: String) -> [String] {
        var names: [String] = []
        scan(body) { name in
            if !name.isEmpty && !names.contains(name) { names.append(name) }
            return nil
        }
        return isPositional(names) ? names.sorted { Int($0)! < Int($1)! } : names
    }

    /// Positional parameters are sent as a list; named ones carry their `parameter_name`.
    public static func isPositional(_ names: [String]) -> Bool {
        names.allSatisfy { Int($0).map { $0 > 0 } ?? false }
    }

    /// The body with each parameter replaced by its value, in the order `parameters(in:)` lists them.
    /// Returns nil when the count of values does not match. A value is never read again for parameters.
    public static func render(_ body: String, values: [String]) -> String? {
        let names = parameters(in: body)
        guard names.count == values.count else { return nil }
        let value = Dictionary(zip(names, values), uniquingKeysWith: { first, _ in first })
        return scan(body) { value[$0] }
    }

    /// Walks the `{{name}}` slots of a body; `replacement` returns the text for a slot, or nil to keep it.
    @discardableResult
    private static func scan(_ body: String, replacement: (String) -> String?) -> String {
        var result = ""
        var rest = Substring(body)
        while let open = rest.range(of: "{{"), let close = rest.range(of: "}}", range: open.upperBound..<rest.endIndex) {
            result += rest[..<open.lowerBound]
            let name = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            result += replacement(name) ?? String(rest[open.lowerBound..<close.upperBound])
            rest = rest[close.upperBound...]
        }
        return result + rest
    }
}
