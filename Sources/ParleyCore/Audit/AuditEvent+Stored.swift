import Foundation

extension AuditEvent {
    /// The event as stored in an audit's `events` column. Written by hand, not by `JSONEncoder` (which was 3 % of
    /// the inbound server's time, once per message); the keys are those `Codable` gave them, so audits stored before
    /// read the same.
    public var stored: JSONValue {
        var object: [String: JSONValue] = ["type": .string(type.rawValue), "data": .object(data)]
        if let fieldName { object["fieldName"] = .string(fieldName) }
        if let value { object["value"] = value }
        if let previousValue { object["previousValue"] = previousValue }
        return .object(object)
    }

    /// An event as stored; nil for one of a type this version does not know. A null value reads as none, as
    /// `Codable` read it.
    public init?(stored: JSONValue) {
        guard let type = stored["type"]?.stringValue.flatMap(AuditEventType.init(rawValue:)) else { return nil }
        let present = { (key: String) -> JSONValue? in
            guard let value = stored[key], value != .null else { return nil }
            return value
        }
        self.init(type: type, fieldName: stored["fieldName"]?.stringValue, value: present("value"),
                  previousValue: present("previousValue"), data: stored["data"]?.objectValue ?? [:])
    }

    /// A list of events as stored, as text.
    public static func storedText(_ events: [AuditEvent]) -> String {
        JSONValue.array(events.map(\.stored)).encodedString()
    }

    /// The events stored in `text`; none when it is not a JSON array.
    public static func events(storedText text: String) -> [AuditEvent] {
        guard let list = (try? JSONValue.parse(Data(text.utf8)))?.arrayValue else { return [] }
        return list.compactMap(AuditEvent.init(stored:))
    }
}
