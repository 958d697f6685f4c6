import Foundation

/// How a file goes out on WhatsApp: as image, video, audio or document, by its type and within WhatsApp's limits.
enum OutboundFile {
    struct Kind: Equatable {
        let name: String
        let limit: Int
        var takesCaption: Bool { name != "audio" && name != "sticker" }
    }

    static func kind(contentType: String) -> Kind? {
        let type = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        switch type {
        case "image/jpeg", "image/png": return Kind(name: "image", limit: 5 * 1_048_576)
        case "video/mp4", "video/3gpp": return Kind(name: "video", limit: 16 * 1_048_576)
        case "audio/aac", "audio/amr", "audio/mpeg", "audio/mp4", "audio/ogg": return Kind(name: "audio", limit: 16 * 1_048_576)
        case "text/plain", "application/pdf", "application/msword", "application/vnd.ms-excel",
            "application/vnd.ms-powerpoint",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation":
            return Kind(name: "document", limit: 100 * 1_048_576)
        default: return nil
        }
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
