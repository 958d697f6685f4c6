import ParleyJSON

/// A message template of a WhatsApp Business Account (`GET /{waba-id}/message_templates`).
public struct MessageTemplate: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var language: String
    public var category: String
    public var status: String
    public var parameterFormat: String?
    public var components: [JSONValue]

    enum CodingKeys: String, CodingKey {
        case id, name, language, category, status, components
        case parameterFormat = "parameter_format"
    }

    public init(id: String, name: String, language: String, category: String, status: String,
                parameterFormat: String? = "POSITIONAL", components: [JSONValue]) {
        self.id = id
        self.name = name
        self.language = language
        self.category = category
        self.status = status
        self.parameterFormat = parameterFormat
        self.components = components
    }

    public var isApproved: Bool { status == "APPROVED" }
}
