/// What an agent typed into search, as whole words for the full-text indexes (Zendesk's search matches whole
/// words; a trailing `*` asks for words starting with it). A word is a run of letters and digits, as both
/// indexes cut text: "50%" is the word 50, "ann@example.com" the words ann, example and com. Terms written
/// `field:value` are Zendesk's search filters, which Parley does not interpret, so they are left out.
public struct SearchTerms: Equatable, Sendable {
    public struct Word: Equatable, Sendable {
        public let text: String
        public let isPrefix: Bool

        public init(_ text: String, isPrefix: Bool = false) {
            self.text = text
            self.isPrefix = isPrefix
        }
    }

    public let words: [Word]

    public init(_ query: String) {
        var words: [Word] = []
        for term in query.split(whereSeparator: \.isWhitespace) where !term.contains(":") {
            let pieces = term.split { !($0.isLetter || $0.isNumber) }.map { $0.lowercased() }
            for (index, piece) in pieces.enumerated() {
                // Only the last piece of "refund*" is a prefix; "e-mail*" is the word e and the prefix mail.
                let prefix = index == pieces.count - 1 && term.hasSuffix("*")
                words.append(Word(piece, isPrefix: prefix))
            }
        }
        self.words = words
    }

    public var isEmpty: Bool { words.isEmpty }

    /// An SQLite FTS5 query: every word must be there. Words hold only letters and digits, so quoting them
    /// makes FTS5's operators (AND, NOT, NEAR, column filters) plain words.
    public var fts5Query: String {
        words.map { "\"\($0.text)\"" + ($0.isPrefix ? "*" : "") }.joined(separator: " ")
    }

    /// A PostgreSQL `to_tsquery` text: every word must be there.
    public var tsQuery: String {
        words.map { "'\($0.text)'" + ($0.isPrefix ? ":*" : "") }.joined(separator: " & ")
    }
}
