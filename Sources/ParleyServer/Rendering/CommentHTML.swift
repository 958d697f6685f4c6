/// The HTML form of a plain-text comment: escaped, paragraphs kept, never the author's markup. Written in one pass
/// over the text's bytes: built from Foundation's `replacingOccurrences` (six passes and a split) it was 1 % of the
/// inbound server's samples, since every message received is rendered once.
enum CommentHTML {
    static func escape(_ text: String) -> String {
        var html: [UInt8] = []
        html.reserveCapacity(text.utf8.count + 16)
        for byte in text.utf8 { append(byte, to: &html) }
        return String(decoding: html, as: UTF8.self)
    }

    /// Paragraphs at blank lines (`\n\n`), line breaks within them.
    static func render(_ text: String) -> String {
        var html = Array(#"<div class="zd-comment" dir="auto"><p>"#.utf8)
        html.reserveCapacity(text.utf8.count + 64)
        var bytes = text.utf8.makeIterator()
        var next = bytes.next()
        while let byte = next {
            next = bytes.next()
            guard byte == UInt8(ascii: "\n") else {
                append(byte, to: &html)
                continue
            }
            if next == UInt8(ascii: "\n") {
                html += "</p><p>".utf8
                next = bytes.next()
            } else {
                html += "<br>".utf8
            }
        }
        html += "</p></div>".utf8
        return String(decoding: html, as: UTF8.self)
    }

    /// A byte of text as HTML: the five characters that could open markup or end an attribute are escaped.
    private static func append(_ byte: UInt8, to html: inout [UInt8]) {
        switch byte {
        case UInt8(ascii: "&"): html += "&amp;".utf8
        case UInt8(ascii: "<"): html += "&lt;".utf8
        case UInt8(ascii: ">"): html += "&gt;".utf8
        case UInt8(ascii: "\""): html += "&quot;".utf8
        case UInt8(ascii: "'"): html += "&#39;".utf8
        default: html.append(byte)
        }
    }
}
