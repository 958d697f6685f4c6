/// Zendesk's tag rules: lower case, no spaces (a space separates two tags), no duplicates, order kept.
public enum TagList {
    public static func normalize(_ tags: [String]) -> [String] {
        var seen = Set<String>()
        var result: [String] = []
        for raw in tags {
            for piece in raw.split(whereSeparator: { $0.isWhitespace || $0 == "," }) {
                let tag = piece.lowercased()
                if seen.insert(tag).inserted { result.append(tag) }
            }
        }
        return result
    }

    public static func adding(_ extra: [String], to tags: [String]) -> [String] {
        normalize(tags + extra)
    }

    public static func removing(_ unwanted: [String], from tags: [String]) -> [String] {
        let drop = Set(normalize(unwanted))
        return tags.filter { !drop.contains($0) }
    }
}
