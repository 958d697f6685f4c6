import ParleyCore

struct MissingField: Error, CustomStringConvertible {
    let key: String
    var description: String { "the JSON has no integer \(key)" }
}

extension JSONValue {
    /// An integer field that the test needs to go on (throws instead of crashing when it is missing).
    func int(_ key: String) throws -> Int {
        guard let value = self[key]?.intValue else { throw MissingField(key: key) }
        return value
    }
}
