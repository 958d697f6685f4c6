import Foundation
import ParleyCore
import WhatsAppCloud

/// How a WhatsApp message reads on a ticket: its text, whether it is an internal note (things Parley can't
/// show), the media to fetch, and the channel details kept in the comment's metadata.
struct MessageContent {
    struct MediaReference {
        let id: String
        let kind: String
        let mimeType: String
        let fileName: String
        let sha256: String?
    }

    var text: String
    /// The words a new ticket's subject is taken from.
    var subject: String
    var isNote = false
    var media: MediaReference?
    var details: [String: JSONValue] = [:]

    static let forwardedNotice = "Forwarded message: only this message was shared, not the conversation it came from."
    static let frequentlyForwardedNotice =
        "Forwarded many times: only this message was shared, not the conversation it came from."

    init(_ message: InboundMessage, quoted: (commentID: Int, excerpt: String)?) {
        text = ""
        subject = ""
        details["message_id"] = JSONValue(message.id)
        details["type"] = .string(message.type)
        details["sent_at"] = message.sentAt.map { .string($0.iso8601) } ?? .null
        fill(from: message)
        if subject.isEmpty { subject = text }

        if message.context?.frequentlyForwarded == true {
            details["forwarded"] = true
            details["frequently_forwarded"] = true
            details["forwarded_notice"] = .string(Self.frequentlyForwardedNotice)
        } else if message.context?.forwarded == true {
            details["forwarded"] = true
            details["forwarded_notice"] = .string(Self.forwardedNotice)
        }
        if let quotedID = message.context?.id {
            details["quoted"] = [
                "message_id": .string(quotedID),
                "comment_id": quoted.map { .int($0.commentID) } ?? .null,
                "excerpt": quoted.map { .string($0.excerpt) } ?? .null,
            ]
        }
        if let errors = message.errors, !errors.isEmpty {
            details["errors"] = .array(errors.map { ["code": .int($0.code), "title": JSONValue($0.title),
                                                     "details": JSONValue($0.errorData?.details)] })
        }
        if let referral = message.referral { details["referral"] = referral }
    }

    private mutating func fill(from message: InboundMessage) {
        switch message.type {
        case "text":
            text = message.text?.body ?? ""
        case "image", "video", "audio", "sticker", "document":
            let media = message.media
            let labels = ["image": "📷 Photo", "video": "🎬 Video", "audio": media?.voice == true ? "🎤 Voice message" : "🎵 Audio",
                          "sticker": "Sticker", "document": "📄 " + (media?.filename ?? "Document")]
            text = media?.caption ?? labels[message.type] ?? message.type
            subject = media?.caption ?? "\(labels[message.type] ?? message.type) from WhatsApp"
            if let id = media?.id {
                let mime = media?.mimeType ?? "application/octet-stream"
                // The size limit differs for animated stickers (500 KB against 100 KB), so the kind says so.
                let kind = message.type == "sticker" && media?.animated == true ? "animated_sticker" : message.type
                self.media = MediaReference(id: id, kind: kind, mimeType: mime,
                                            fileName: FileName.sanitize(media?.filename ?? Self.defaultName(message.type, mime)),
                                            sha256: media?.sha256)
            }
            details["media"] = ["kind": .string(message.type), "caption": JSONValue(media?.caption),
                                "voice": .bool(media?.voice == true)]
        case "location":
            if let location = message.location {
                let map = "https://www.openstreetmap.org/?mlat=\(location.latitude)&mlon=\(location.longitude)#map=17/\(location.latitude)/\(location.longitude)"
                text = ["📍 " + (location.name ?? "Shared location"), location.address, map].compactMap { $0 }.joined(separator: "\n")
                subject = "📍 " + (location.name ?? location.address ?? "Shared location")
                details["location"] = ["latitude": .double(location.latitude), "longitude": .double(location.longitude),
                                       "name": JSONValue(location.name), "address": JSONValue(location.address),
                                       "url": JSONValue(location.url), "map_url": .string(map)]
            }
        case "contacts":
            let cards = message.contacts ?? []
            let lines = cards.map { card -> String in
                let name = card["name"]?["formatted_name"]?.stringValue ?? "Contact"
                let phones = card["phones"]?.arrayValue?.compactMap { $0["phone"]?.stringValue } ?? []
                let emails = card["emails"]?.arrayValue?.compactMap { $0["email"]?.stringValue } ?? []
                return "👤 " + ([name] + phones + emails).joined(separator: ", ")
            }
            text = lines.isEmpty ? "👤 Shared a contact" : lines.joined(separator: "\n")
            details["contacts"] = .array(cards)
        case "interactive":
            let kind = message.interactive?["type"]?.stringValue ?? "interactive"
            let reply = message.interactive?[kind]
            let title = reply?["title"]?.stringValue ?? reply?["body"]?.stringValue
            text = title.map { "Chose: \($0)" } ?? "Answered an interactive message (\(kind))"
            details["interactive"] = ["type": .string(kind), "id": reply?["id"] ?? .null, "title": JSONValue(title),
                                      "description": reply?["description"] ?? .null]
        case "button":
            text = "Tapped: \(message.button?.text ?? message.button?.payload ?? "a button")"
            details["button"] = ["text": JSONValue(message.button?.text), "payload": JSONValue(message.button?.payload)]
        case "order":
            let items = message.order?["product_items"]?.arrayValue?.count ?? 0
            text = "🛒 Sent an order with \(items) item\(items == 1 ? "" : "s")"
            details["order"] = message.order ?? .null
        case "request_welcome":
            text = "The end user opened the chat for the first time."
            isNote = true
        default:
            let shown = message.unsupported?["type"]?.stringValue ?? message.type
            text = "The end user sent something Parley can't show (WhatsApp type: \(shown))."
            subject = "WhatsApp message Parley can't show"
            isNote = true
            details["unsupported"] = .string(shown)
        }
    }

    static func defaultName(_ kind: String, _ mime: String) -> String {
        let base = mime.split(separator: ";").first.map(String.init) ?? mime
        let ext = ["image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "video/mp4": "mp4", "video/3gpp": "3gp",
                   "audio/ogg": "ogg", "audio/mpeg": "mp3", "audio/aac": "aac", "audio/amr": "amr", "audio/mp4": "m4a",
                   "application/pdf": "pdf", "text/plain": "txt"][base] ?? "bin"
        return "\(kind).\(ext)"
    }

    /// The comment's HTML: escaped text, with the forwarded marker and the quoted message made visible.
    var html: String {
        var parts: [String] = []
        if let notice = details["forwarded_notice"]?.stringValue {
            parts.append("<p class=\"parley-forwarded\">\(CommentHTML.escape(notice))</p>")
        }
        if let excerpt = details["quoted"]?["excerpt"]?.stringValue {
            parts.append("<blockquote class=\"parley-quote\">\(CommentHTML.escape(excerpt))</blockquote>")
        }
        let body = CommentHTML.render(text)
        return parts.isEmpty ? body : body.replacingOccurrences(of: "dir=\"auto\">", with: "dir=\"auto\">" + parts.joined())
    }

    /// Per WhatsApp's limits; larger files are refused rather than stored.
    static func sizeLimit(for kind: String) -> Int {
        switch kind {
        case "image": 5 * 1_048_576
        case "document": 100 * 1_048_576
        case "sticker": 100 * 1024
        case "animated_sticker": 500 * 1024
        default: 16 * 1_048_576
        }
    }
}
