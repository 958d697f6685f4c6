import Foundation

/// WhatsApp refuses a text body over 4,096 characters; a longer reply goes out as several messages, cut where
/// a reader would pause (a blank line, a line end, a space) and never inside a character.
public enum TextChunks {
    public static let whatsAppLimit = 4096

    public static func split(_ text: String, limit: Int = whatsAppLimit) -> [String] {
        precondition(limit > 0)
        var chunks: [String] = []
        var rest = Substring(text)
        while rest.utf16.count > limit {
            let window = prefix(of: rest, fittingIn: limit)
            // A single character longer than the limit (a long emoji sequence under a tiny limit) goes alone.
            let cut = window.isEmpty ? rest.index(after: rest.startIndex) : breakPoint(in: window) ?? window.endIndex
            let chunk = rest[..<cut].trimmingTrailingWhitespace()
            if !chunk.isEmpty { chunks.append(String(chunk)) }
            rest = rest[cut...].drop { $0.isWhitespace }
        }
        if !rest.isEmpty || chunks.isEmpty { chunks.append(String(rest)) }
        return chunks
    }

    /// The longest run of whole characters whose UTF-16 length is within the limit.
    private static func prefix(of text: Substring, fittingIn limit: Int) -> Substring {
        var length = 0
        var end = text.startIndex
        for index in text.indices {
            let size = text[index].utf16.count
            if length + size > limit { break }
            length += size
            end = text.index(after: index)
        }
        return text[..<end]
    }

    /// The last paragraph break, else line break, else space, in the second half of the window (cutting
    /// earlier would make needlessly many messages).
    private static func breakPoint(in window: Substring) -> Substring.Index? {
        let half = window.index(window.startIndex, offsetBy: window.count / 2)
        let tail = window[half...]
        if let paragraph = tail.range(of: "\n\n", options: .backwards) { return paragraph.upperBound }
        if let line = tail.lastIndex(of: "\n") { return window.index(after: line) }
        if let space = tail.lastIndex(where: { $0.isWhitespace }) { return window.index(after: space) }
        return nil
    }
}

extension Substring {
    fileprivate func trimmingTrailingWhitespace() -> Substring {
        var end = endIndex
        while end > startIndex, self[index(before: end)].isWhitespace { end = index(before: end) }
        return self[..<end]
    }
}
