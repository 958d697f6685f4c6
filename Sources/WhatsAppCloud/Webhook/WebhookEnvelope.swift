import ParleyJSON

/// Meta's webhook body: `{"object": "whatsapp_business_account", "entry": [{"id", "changes": [{field, value}]}]}`.
/// `value` stays a JSON value here; `WebhookParser` reads it per field, so one odd item cannot spoil the rest.
public struct WebhookEnvelope: Codable, Sendable, Equatable {
    public var object: String
    public var entry: [Entry]

    public struct Entry: Codable, Sendable, Equatable {
        public var id: String
        public var changes: [Change]
        public init(id: String, changes: [Change]) {
            self.id = id
            self.changes = changes
        }
    }

    public struct Change: Codable, Sendable, Equatable {
        public var field: String
        public var value: JSONValue
        public init(field: String, value: JSONValue) {
            self.field = field
            self.value = value
        }
    }

    public init(object: String = "whatsapp_business_account", entry: [Entry]) {
        self.object = object
        self.entry = entry
    }
}
