import ParleyCore
import Vapor

/// Reads a Zendesk-style JSON request body (`{"ticket": {...}}`) field by field, collecting every problem
/// (unknown field, wrong type, missing value) into one `RecordInvalid` answer.
struct RequestBody {
    private let object: [String: JSONValue]
    private let known: Set<String>
    private(set) var errors: [String: [String]] = [:]

    /// `root` is the envelope key; `known` lists every field the resource accepts (read-only ones included,
    /// since clients echo whole objects back).
    init(_ request: Request, root: String, known: Set<String>) throws {
        guard let data = request.body.data.map({ Data(buffer: $0) }), !data.isEmpty else {
            throw APIError.badRequest("The request body is empty; expected {\"\(root)\": {...}}")
        }
        let document = try JSONValue.parseRequestDocument(data)
        guard let envelope = document.objectValue else {
            throw APIError.badRequest("The request body must be a JSON object")
        }
        guard let inner = envelope[root] else {
            throw APIError.invalid(root, "\(root.capitalized): is missing; expected {\"\(root)\": {...}}")
        }
        guard let object = inner.objectValue else {
            throw APIError.invalid(root, "\(root.capitalized): must be an object, not \(inner.typeName)")
        }
        self.init(object: object, known: known)
    }

    init(object: [String: JSONValue], known: Set<String>) {
        self.object = object
        self.known = known
        for key in object.keys where !known.contains(key) {
            errors[key, default: []].append("\(key): is not a known field")
        }
    }

    func has(_ key: String) -> Bool { object[key] != nil }
    func raw(_ key: String) -> JSONValue? { object[key] }

    mutating func fail(_ key: String, _ message: String) {
        errors[key, default: []].append("\(key): \(message)")
    }

    /// Absent → nil; present with the wrong type → an error is recorded and nil returned.
    mutating func string(_ key: String) -> String? {
        guard let value = object[key], !value.isNull else { return nil }
        guard let string = value.stringValue else {
            fail(key, "must be a string, not \(value.typeName)")
            return nil
        }
        return string
    }

    /// Distinguishes absent (`nil`), explicit null (`.some(nil)`) and a value.
    mutating func nullableString(_ key: String) -> String?? {
        guard let value = object[key] else { return nil }
        if value.isNull { return .some(nil) }
        guard let string = value.stringValue else {
            fail(key, "must be a string or null, not \(value.typeName)")
            return nil
        }
        return .some(string)
    }

    mutating func int(_ key: String) -> Int? {
        guard let value = object[key], !value.isNull else { return nil }
        if let int = value.intValue { return int }
        // Zendesk clients sometimes send ids as strings.
        if let string = value.stringValue, let int = Int(string) { return int }
        fail(key, "must be a number, not \(value.typeName)")
        return nil
    }

    mutating func nullableInt(_ key: String) -> Int?? {
        guard let value = object[key] else { return nil }
        if value.isNull { return .some(nil) }
        if let int = value.intValue { return .some(int) }
        if let string = value.stringValue, let int = Int(string) { return .some(int) }
        fail(key, "must be a number or null, not \(value.typeName)")
        return nil
    }

    mutating func bool(_ key: String) -> Bool? {
        guard let value = object[key], !value.isNull else { return nil }
        guard let bool = value.boolValue else {
            fail(key, "must be true or false, not \(value.typeName)")
            return nil
        }
        return bool
    }

    mutating func strings(_ key: String) -> [String]? {
        guard let value = object[key], !value.isNull else { return nil }
        if let single = value.stringValue { return [single] }
        guard let array = value.arrayValue else {
            fail(key, "must be an array of strings, not \(value.typeName)")
            return nil
        }
        let strings = array.compactMap(\.stringValue)
        guard strings.count == array.count else {
            fail(key, "must be an array of strings")
            return nil
        }
        return strings
    }

    mutating func ints(_ key: String) -> [Int]? {
        guard let value = object[key], !value.isNull else { return nil }
        guard let array = value.arrayValue, array.allSatisfy({ $0.intValue != nil }) else {
            fail(key, "must be an array of numbers")
            return nil
        }
        return array.compactMap(\.intValue)
    }

    mutating func object(_ key: String, known: Set<String>) -> RequestBody? {
        guard let value = object[key], !value.isNull else { return nil }
        guard let inner = value.objectValue else {
            fail(key, "must be an object, not \(value.typeName)")
            return nil
        }
        return RequestBody(object: inner, known: known)
    }

    /// A value from a fixed set (status, priority…), with the allowed values in the message.
    mutating func choice<T: RawRepresentable & CaseIterable>(_ key: String, _: T.Type) -> T?? where T.RawValue == String {
        guard let value = object[key] else { return nil }
        if value.isNull { return .some(nil) }
        guard let raw = value.stringValue, let choice = T(rawValue: raw.lowercased()) else {
            let allowed = T.allCases.map(\.rawValue).joined(separator: ", ")
            fail(key, "must be one of \(allowed)")
            return nil
        }
        return .some(choice)
    }

    /// Merges a nested body's problems under `prefix.field`.
    mutating func absorb(_ nested: RequestBody, prefix: String) {
        for (key, messages) in nested.errors {
            errors["\(prefix).\(key)", default: []].append(contentsOf: messages.map { "\(prefix).\($0)" })
        }
    }

    func validate() throws {
        if !errors.isEmpty { throw APIError.invalid(errors) }
    }
}
