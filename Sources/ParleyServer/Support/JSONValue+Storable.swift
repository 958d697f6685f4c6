import Foundation
import ParleyJSON

extension JSONValue {
    /// The same value with U+0000 removed from every string and key. PostgreSQL's text cannot hold it (the insert
    /// fails), JSON allows it, and a message never needs it.
    func withoutNULCharacters() -> JSONValue {
        switch self {
        case .string(let text):
            return text.contains("\u{0}") ? .string(text.replacingOccurrences(of: "\u{0}", with: "")) : self
        case .array(let items):
            return .array(items.map { $0.withoutNULCharacters() })
        case .object(let object):
            var cleaned: [String: JSONValue] = [:]
            for (key, value) in object { cleaned[key.replacingOccurrences(of: "\u{0}", with: "")] = value.withoutNULCharacters() }
            return .object(cleaned)
        default:
            return self
        }
    }

    /// A request's JSON document as Parley stores it: parsed, then without NUL characters (see above).
    static func parseRequestDocument(_ data: Data) throws -> JSONValue {
        try parse(data).withoutNULCharacters()
    }
}
