import Foundation
import WhatsAppCloud

/// How a file goes out on WhatsApp: as image, video, audio or document, by its type and within WhatsApp's limits.
enum OutboundFile {
    struct Kind: Equatable {
        let name: String
        let limit: Int
        var takesCaption: Bool { name != "audio" && name != "sticker" }
    }

    /// Agents attach files, not stickers: a WebP picture is not sent as a sticker.
    static func kind(contentType: String) -> Kind? {
        guard let kind = MediaKind(mimeType: contentType), kind != .sticker else { return nil }
        return Kind(name: kind.rawValue, limit: kind.maxBytes())
    }

    /// Why a file cannot be sent, or nil when it can.
    static func problem(fileName: String, contentType: String, size: Int) -> String? {
        guard let kind = kind(contentType: contentType) else {
            return "\(fileName): WhatsApp cannot carry \(contentType) files (images JPEG/PNG, MP4/3GPP video, AAC/AMR/MP3/MP4/OGG audio, PDF, text and Office documents)"
        }
        guard size <= kind.limit else {
            return "\(fileName): \(size / 1024) KB is over WhatsApp's \(kind.limit / 1_048_576) MB limit for \(kind.name) files"
        }
        return nil
    }
}
