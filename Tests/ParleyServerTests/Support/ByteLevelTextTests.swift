import ParleyJSON
@testable import ParleyServer
import Testing

/// Text checks done on UTF-8 bytes instead of through Foundation: the same answers as the string operations they
/// replaced, on the cases that matter (multi-byte characters, near misses).
@Suite("Text checks on bytes")
struct ByteLevelTextTests {
    @Test(arguments: [
        ("%00", true), ("a%000b", true), ("%0%00", true), ("%%00", true), ("x\u{0}y", true), ("\u{0}", true),
        ("%0", false), ("%20%30", false), ("100%0", false), ("0%0 0", false), ("ü%0ö0", false), ("", false),
    ])
    func encodedNULFound(_ text: String, _ expected: Bool) {
        #expect(NULCharacterMiddleware.hasEncodedNUL(text) == expected, "\(text.debugDescription)")
        let foundation = text.contains("%00") || text.contains("\u{0}")
        #expect(foundation == expected, "the expectation itself, by Foundation")
    }

    @Test func nulRemovedFromEveryStringAndKeyKeepingOtherCharacters() {
        let value: JSONValue = [
            "na\u{0}me": "é\u{0}ü 🙂\u{0}", "list": ["a\u{0}", "\u{0}", "plain"],
            "nested": ["k\u{0}": ["deep": "x\u{0}y"]], "number": 3, "untouched": "Grüße",
        ]
        let expected: JSONValue = [
            "name": "éü 🙂", "list": ["a", "", "plain"], "nested": ["k": ["deep": "xy"]], "number": 3, "untouched": "Grüße",
        ]
        #expect(value.withoutNULCharacters() == expected)
    }

    @Test(arguments: [("subject", "\"subject\""), ("we\"ird", "\"we\"\"ird\""), ("\"", "\"\"\"\""), ("ticket_ü", "\"ticket_ü\"")])
    func identifiersQuoted(_ name: String, _ quoted: String) {
        #expect(SelectList.quoted(name) == quoted)
    }
}
