import Foundation
import ParleyJSON

/// One element of `value.messages[]`: `{from?, from_user_id?, id, timestamp, type, <type>: {...}, context?, errors?}`.
/// Typed where Parley reads fields; other parts stay JSON so nothing is lost.
public struct InboundMessage: Codable, Sendable, Equatable {
    public var id: String?
    public var from: String?
    public var fromUserID: String?
    public var timestamp: String?
    public var type: String
    public var text: Text?
    public var image: Media?
    public var video: Media?
    public var audio: Media?
    public var sticker: Media?
    public var document: Media?
    public var location: Location?
    public var contacts: [JSONValue]?
    public var interactive: JSONValue?
    public var button: Button?
    public var reaction: Reaction?
    public var context: Context?
    public var errors: [ErrorDetail]?
    public var system: JSONValue?
    public var edit: Edit?
    public var revoke: Revoke?
    public var unsupported: JSONValue?
    public var referral: JSONValue?
    public var order: JSONValue?
    public var groupID: String?

    enum CodingKeys: String, CodingKey {
        case id, from, timestamp, type, text, image, video, audio, sticker, document, location, contacts
        case interactive, button, reaction, context, errors, system, edit, revoke, unsupported, referral, order
        case fromUserID = "from_user_id"
        case groupID = "group_id"
    }

    public init(id: String?, from: String?, fromUserID: String?, timestamp: String?, type: String) {
        self.id = id
        self.from = from
        self.fromUserID = fromUserID
        self.timestamp = timestamp
        self.type = type
    }

    public struct Text: Codable, Sendable, Equatable {
        public var body: String
        public init(body: String) { self.body = body }
    }

    public struct Media: Codable, Sendable, Equatable {
        public var id: String?
        public var mimeType: String?
        public var sha256: String?
        public var caption: String?
        public var filename: String?
        public var url: String?
        public var voice: Bool?
        public var animated: Bool?

        enum CodingKeys: String, CodingKey {
            case id, sha256, caption, filename, url, voice, animated
            case mimeType = "mime_type"
        }

        public init(id: String?, mimeType: String?, sha256: String? = nil, caption: String? = nil,
                    filename: String? = nil, url: String? = nil, voice: Bool? = nil, animated: Bool? = nil) {
            self.id = id
            self.mimeType = mimeType
            self.sha256 = sha256
            self.caption = caption
            self.filename = filename
            self.url = url
            self.voice = voice
            self.animated = animated
        }
    }

    public struct Location: Codable, Sendable, Equatable {
        public var latitude: Double
        public var longitude: Double
        public var name: String?
        public var address: String?
        public var url: String?
        public init(latitude: Double, longitude: Double, name: String? = nil, address: String? = nil, url: String? = nil) {
            self.latitude = latitude
            self.longitude = longitude
            self.name = name
            self.address = address
            self.url = url
        }
    }

    public struct Button: Codable, Sendable, Equatable {
        public var text: String?
        public var payload: String?
        public init(text: String?, payload: String?) {
            self.text = text
            self.payload = payload
        }
    }

    public struct Reaction: Codable, Sendable, Equatable {
        public var messageID: String
        public var emoji: String?
        enum CodingKeys: String, CodingKey {
            case emoji
            case messageID = "message_id"
        }
        public init(messageID: String, emoji: String?) {
            self.messageID = messageID
            self.emoji = emoji
        }
    }

    public struct Context: Codable, Sendable, Equatable {
        public var from: String?
        public var id: String?
        public var forwarded: Bool?
        public var frequentlyForwarded: Bool?
        enum CodingKeys: String, CodingKey {
            case from, id, forwarded
            case frequentlyForwarded = "frequently_forwarded"
        }
        public init(from: String? = nil, id: String? = nil, forwarded: Bool? = nil, frequentlyForwarded: Bool? = nil) {
            self.from = from
            self.id = id
            self.forwarded = forwarded
            self.frequentlyForwarded = frequentlyForwarded
        }
    }

    public struct Edit: Codable, Sendable, Equatable {
        public var originalMessageID: String
        /// The new content, itself shaped like a message (its own `type`), without id or timestamp.
        public var message: JSONValue?
        enum CodingKeys: String, CodingKey {
            case message
            case originalMessageID = "original_message_id"
        }
        public init(originalMessageID: String, message: JSONValue?) {
            self.originalMessageID = originalMessageID
            self.message = message
        }

        public var newContent: InboundMessage? {
            guard let message else { return nil }
            return try? JSONDecoder().decode(InboundMessage.self, from: message.encoded())
        }
    }

    public struct Revoke: Codable, Sendable, Equatable {
        public var originalMessageID: String
        enum CodingKeys: String, CodingKey { case originalMessageID = "original_message_id" }
        public init(originalMessageID: String) { self.originalMessageID = originalMessageID }
    }

    /// WhatsApp's send time: `timestamp` is a string of Unix seconds.
    public var sentAt: Date? { timestamp.flatMap(TimeInterval.init).map(Date.init(timeIntervalSince1970:)) }

    /// The media part of a media message, whichever type it is.
    public var media: Media? { image ?? video ?? audio ?? sticker ?? document }

    public var isForwarded: Bool { context?.forwarded == true || context?.frequentlyForwarded == true }
}
