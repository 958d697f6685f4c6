import ParleyCore
import Testing

@Suite("Long texts in WhatsApp-sized messages")
struct TextChunksTests {
    @Test func aShortTextIsOneMessage() {
        #expect(TextChunks.split("Hello") == ["Hello"])
        #expect(TextChunks.split("") == [""])
        #expect(TextChunks.split(String(repeating: "a", count: 4096)).count == 1, "exactly the limit still fits")
    }

    @Test func cutsAtParagraphsThenLinesThenSpaces() {
        let paragraphs = String(repeating: "word ", count: 700) + "\n\n" + String(repeating: "more ", count: 700)
        let chunks = TextChunks.split(paragraphs)
        #expect(chunks.count == 2)
        #expect(chunks[0].hasSuffix("word"), "cut at the blank line, trailing space dropped")
        #expect(chunks[1].hasPrefix("more"))
        let words = Array(repeating: "lorem", count: 2000).joined(separator: " ")
        for chunk in TextChunks.split(words) {
            #expect(chunk.utf16.count <= 4096)
            #expect(!chunk.hasPrefix(" ") && !chunk.hasSuffix(" "))
            #expect(!chunk.contains("lore ") && chunk.split(separator: " ").allSatisfy { $0 == "lorem" }, "no word is cut")
        }
    }

    @Test func nothingIsLostAndEveryChunkFits() {
        var generator = SystemRandomNumberGenerator()
        let alphabet: [String] = ["a", "b", " ", "\n", "é", "😀", "👩‍👩‍👧", "中"]
        for _ in 0..<50 {
            let text = (0..<Int.random(in: 0...12_000, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }.joined()
            let limit = Int.random(in: 20...4096, using: &generator)
            let chunks = TextChunks.split(text, limit: limit)
            #expect(chunks.allSatisfy { $0.utf16.count <= limit })
            let kept = chunks.joined().filter { !$0.isWhitespace }
            #expect(kept == text.filter { !$0.isWhitespace }, "only the whitespace at a cut is dropped")
        }
    }

    @Test func aTextWithoutSpacesIsCutBetweenCharacters() {
        let emoji = String(repeating: "😀", count: 3000)  // 2 UTF-16 units each
        let chunks = TextChunks.split(emoji)
        #expect(chunks.map(\.count) == [2048, 952])
    }
}
