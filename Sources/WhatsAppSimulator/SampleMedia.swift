import Foundation

/// Small but real files for simulated users who send media without saying which bytes.
enum SampleMedia {
    /// A 1×1 PNG.
    static let png = Data(base64Encoded: "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==")!

    static func bytes(for type: String) -> (Data, String, String?) {
        switch type {
        case "image": return (png, "image/png", nil)
        case "sticker": return (Data("RIFF\u{0}\u{0}\u{0}\u{0}WEBPVP8 sticker".utf8), "image/webp", nil)
        case "audio", "voice": return (Data("OggS simulated voice note".utf8), "audio/ogg; codecs=opus", nil)
        case "video": return (Data("\u{0}\u{0}\u{0}\u{18}ftypmp42 simulated video".utf8), "video/mp4", nil)
        default: return (Data("%PDF-1.4\n% simulated document\n".utf8), "application/pdf", "document.pdf")
        }
    }
}
