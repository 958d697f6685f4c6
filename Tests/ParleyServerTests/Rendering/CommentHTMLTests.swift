import Foundation
@testable import ParleyServer
import Testing
import WhatsAppSimulator

@Suite("A plain-text comment as HTML")
struct CommentHTMLTests {
    @Test func paragraphsLineBreaksAndEscapes() {
        #expect(CommentHTML.render("") == #"<div class="zd-comment" dir="auto"><p></p></div>"#)
        #expect(CommentHTML.render("Hi <b>you</b> & \"me\" 'us'\nline two\n\nnext\n\n\nthird")
            == #"<div class="zd-comment" dir="auto"><p>Hi &lt;b&gt;you&lt;/b&gt; &amp; &quot;me&quot; &#39;us&#39;<br>line two</p><p>next</p><p><br>third</p></div>"#)
        #expect(CommentHTML.escape("<script>alert('x')</script>") == "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;")
        // A character that combines with the one before it must not hide a `<` from the escape.
        #expect(CommentHTML.escape("<\u{301}a>") == "&lt;\u{301}a&gt;")
        #expect(CommentHTML.render("a\r\nb") == #"<div class="zd-comment" dir="auto"><p>a\#r<br>b</p></div>"#)
    }

    /// The one-pass writer gives what Foundation's replacements and split give when they compare code units
    /// (`.literal`; without it they compare characters, and a `<` followed by a combining mark was left unescaped).
    @Test func randomTextRendersAsLiteralReplacementsDo() {
        func replacing(_ text: String) -> String {
            var escaped = text
            for (from, to) in [("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("\"", "&quot;"), ("'", "&#39;")] {
                escaped = escaped.replacingOccurrences(of: from, with: to, options: .literal)
            }
            let paragraphs = (escaped as NSString).components(separatedBy: "\n\n").map {
                "<p>" + $0.replacingOccurrences(of: "\n", with: "<br>", options: .literal) + "</p>"
            }
            return "<div class=\"zd-comment\" dir=\"auto\">" + paragraphs.joined() + "</div>"
        }
        let pieces = ["a", "Z", " ", "&", "<", ">", "\"", "'", "\n", "\n\n", "\r\n", "é", "e\u{301}", "ß", "💳", "👩‍👩‍👧", "&amp;", "\t", "0"]
        var generator = SeededGenerator(seed: 20_261_207)
        var differing: [String] = []
        for _ in 0..<5_000 {
            let text = (0..<Int.random(in: 0...30, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            if CommentHTML.render(text) != replacing(text) { differing.append(text) }
        }
        #expect(differing.isEmpty, "\(differing.prefix(3).map { $0.debugDescription })")
    }
}
