import Foundation
import ParleyJSON

extension JSONValue {
    /// The same value with U+0000 removed from every string and key. PostgreSQL's text cannot hold it (the insert
    /// fails), JSON allows it, and a message never needs it.
    func withoutNULCharacters() -> JSONValue {
        switch self {
        case .string(let text):
            return .string(Self.withoutNUL(text))
        case .array(let items):
            return .array(items.map { $0.withoutNULCharacters() })
        case .object(let object):
            var cleaned: [String: JSONValue] = [:]
            for (key, value) in object { cleaned[Self.withoutNUL(key)] = value.withoutNULCharacters() }
            return .object(cleaned)
        default:
            return self
        }
    }

    /// On the bytes (U+0000 is the byte 0 in UTF-8, and no other character holds one): Foundation's `contains` and
    /// `replacingOccurrences` go through NSString on Linux, for every string and key of every webhook.
    private static func withoutNUL(_ text: String) -> String {
        text.utf8.contains(0) ? String(decoding: text.utf8.filter { $0 != 0 }, as: UTF8.self) : text
    }

    /// A request's JSON document as Parley stores it: parsed, then without NUL characters (see above).
    static func parseRequestDocument(_ data: Data) throws -> JSONValue {
        try parse(data).withoutNULCharacters()
    }
}
