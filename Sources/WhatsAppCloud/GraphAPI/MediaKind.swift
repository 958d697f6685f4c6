import Foundation

/// The media a WhatsApp message can carry and what Meta takes for each: MIME types and size limits
/// (`whatsapp-cloud-api.md` §5). Parley checks files against it before sending; the simulator enforces it.
public enum MediaKind: String, CaseIterable, Sendable {
    case image, document, audio, video, sticker

    private static let megabyte = 1_048_576

    public var mimeTypes: [String] {
        switch self {
        case .image: ["image/jpeg", "image/png"]
        case .document:
            ["text/plain", "application/pdf", "application/msword", "application/vnd.ms-excel", "application/vnd.ms-powerpoint",
             "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             "application/vnd.openxmlformats-officedocument.presentationml.presentation"]
        case .audio: ["audio/aac", "audio/amr", "audio/mpeg", "audio/mp4", "audio/ogg"]
        case .video: ["video/mp4", "video/3gpp"]
        case .sticker: ["image/webp"]
        }
    }

    /// The largest file of this kind; stickers may be bigger when animated.
    public func maxBytes(animated: Bool = false) -> Int {
        switch self {
        case .image: 5 * Self.megabyte
        case .document: 100 * Self.megabyte
        case .audio, .video: 16 * Self.megabyte
        case .sticker: (animated ? 500 : 100) * 1024
        }
    }

    /// The kind whose MIME types include `mimeType` (each type belongs to one kind), nil when WhatsApp takes none.
    public init?(mimeType: String) {
        let essence = Self.essence(of: mimeType)
        guard let kind = Self.allCases.first(where: { $0.mimeTypes.contains(essence) }) else { return nil }
        self = kind
    }

    public func accepts(_ mimeType: String) -> Bool { mimeTypes.contains(Self.essence(of: mimeType)) }

    /// Every MIME type WhatsApp takes, in the table's order.
    public static var allMIMETypes: [String] { allCases.flatMap(\.mimeTypes) }

    /// The type without parameters, lowercased: `audio/ogg; codecs=opus` → `audio/ogg`.
    public static func essence(of mimeType: String) -> String {
        (mimeType.split(separator: ";").first.map(String.init) ?? "").trimmingCharacters(in: .whitespaces).lowercased()
    }

    /// Whether WebP bytes hold an animation: the extended header's `ANIM` chunk, which comes early in the file.
    public static func isAnimatedWebP(_ data: Data) -> Bool {
        guard data.count > 12, data.prefix(4) == Data("RIFF".utf8), data[data.startIndex + 8..<data.startIndex + 12] == Data("WEBP".utf8)
        else { return false }
        return data.prefix(4096).range(of: Data("ANIM".utf8)) != nil
    }
}
