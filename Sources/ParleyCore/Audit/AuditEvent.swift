/// One entry of a ticket's event log. `data` holds the type-specific fields (a comment id, an error code…).
public struct AuditEvent: Sendable, Equatable {
    public var type: AuditEventType
    public var fieldName: String?
    public var value: JSONValue?
    public var previousValue: JSONValue?
    public var data: [String: JSONValue]

    public init(
        type: AuditEventType, fieldName: String? = nil, value: JSONValue? = nil, previousValue: JSONValue? = nil,
        data: [String: JSONValue] = [:]
    ) {
        self.type = type
        self.fieldName = fieldName
        self.value = value
        self.previousValue = previousValue
        self.data = data
    }

    public static func create(_ field: String, _ value: JSONValue) -> AuditEvent {
        AuditEvent(type: .create, fieldName: field, value: value)
    }

    public static func change(_ field: String, from previous: JSONValue, to value: JSONValue) -> AuditEvent {
        AuditEvent(type: .change, fieldName: field, value: value, previousValue: previous)
    }

    /// A placeholder for the comment the update adds (its id is the comment written with the audit; see
    /// `TicketService.record`).
    public static func comment(isPublic: Bool) -> AuditEvent {
        AuditEvent(type: .comment, data: ["public": .bool(isPublic)])
    }
}
