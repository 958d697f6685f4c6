import ParleyJSON

/// The body of `POST /{phone-number-id}/messages`, built from Meta's documented shapes.
public struct OutboundMessage: Sendable, Equatable {
    public var body: JSONValue

    public init(body: JSONValue) { self.body = body }

    public var type: String? { body["type"]?.stringValue }
    /// Templates may be sent at any time; everything else only inside the 24-hour window.
    public var isFreeForm: Bool { type != "template" }

    private static func envelope(_ to: Recipient, type: String, content: JSONValue, replyTo: String?) -> OutboundMessage {
        var object: [String: JSONValue] = [
            "messaging_product": "whatsapp", "recipient_type": "individual", "type": .string(type), type: content,
        ]
        switch to {
        case .phone(let phone): object["to"] = .string(phone)
        case .bsuid(let id): object["recipient"] = .string(id)
        }
        if let replyTo { object["context"] = ["message_id": .string(replyTo)] }
        return OutboundMessage(body: .object(object))
    }

    public static func text(to: Recipient, body: String, previewURL: Bool = false, replyTo: String? = nil)
        -> OutboundMessage
    {
        envelope(to, type: "text", content: ["body": .string(body), "preview_url": .bool(previewURL)], replyTo: replyTo)
    }

    /// `kind` is image, document, audio, video or sticker; audio and stickers take no caption.
    public static func media(
        to: Recipient, kind: String, mediaID: String, caption: String? = nil, filename: String? = nil,
        replyTo: String? = nil
    ) -> OutboundMessage {
        var content: [String: JSONValue] = ["id": .string(mediaID)]
        if let caption, kind != "audio", kind != "sticker" { content["caption"] = .string(caption) }
        if let filename, kind == "document" { content["filename"] = .string(filename) }
        return envelope(to, type: kind, content: .object(content), replyTo: replyTo)
    }

    public static func template(
        to: Recipient, name: String, languageCode: String, components: [JSONValue] = []
    ) -> OutboundMessage {
        var content: [String: JSONValue] = [
            "name": .string(name), "language": ["code": .string(languageCode), "policy": "deterministic"],
        ]
        if !components.isEmpty { content["components"] = .array(components) }
        return envelope(to, type: "template", content: .object(content), replyTo: nil)
    }

    public static func reaction(to: Recipient, messageID: String, emoji: String) -> OutboundMessage {
        envelope(to, type: "reaction", content: ["message_id": .string(messageID), "emoji": .string(emoji)], replyTo: nil)
    }

    public static func location(to: Recipient, latitude: Double, longitude: Double, name: String?, address: String?)
        -> OutboundMessage
    {
        var content: [String: JSONValue] = ["latitude": .double(latitude), "longitude": .double(longitude)]
        if let name { content["name"] = .string(name) }
        if let address { content["address"] = .string(address) }
        return envelope(to, type: "location", content: .object(content), replyTo: nil)
    }

    public static func markRead(messageID: String) -> OutboundMessage {
        OutboundMessage(body: ["messaging_product": "whatsapp", "status": "read", "message_id": .string(messageID)])
    }
}
