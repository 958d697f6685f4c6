import Foundation
import ParleyCore
import Testing

/// `JSONValue.parse` reads bytes itself; `JSONDecoder` through `JSONValue`'s `Decodable` conformance was the parser
/// before, so it is the oracle: the same value for every document it accepts, a refusal for every one it refuses.
/// Two differences are meant: a decimal with a fraction whose `Double` is a whole number (16 or more significant
/// digits, `1612269623475192.036`) stays a `Double` where `JSONDecoder` made an `Int` of it (the same number to a
/// `Double`'s precision, which `agree` allows); and a NUL byte next to a top-level number, which `JSONDecoder`
/// skipped, is refused like anywhere else (the mutations below draw no NUL).
@Suite("JSON parsed without JSONDecoder")
struct JSONParsingTests {
    /// What `JSONDecoder` made of the bytes, or nil when it refused them.
    func oracle(_ bytes: [UInt8]) -> JSONValue? {
        try? JSONDecoder().decode(JSONValue.self, from: Data(bytes))
    }

    func parsed(_ bytes: [UInt8]) -> JSONValue? {
        try? JSONValue.parse(Data(bytes))
    }

    /// Equal, numbers compared as `Double`s within one unit of the last place (see above): `JSONDecoder` cut the
    /// fraction off before rounding to a `Double`, so `25000486441792802.5` was `25000486441792802`, which rounds
    /// down to `…800` while the whole decimal rounds up to `…804`.
    func agree(_ left: JSONValue?, _ right: JSONValue?) -> Bool {
        switch (left, right) {
        case (nil, nil): return true
        case (.int(let a)?, .double(let b)?), (.double(let b)?, .int(let a)?): return abs(Double(a) - b) <= b.ulp
        case (.array(let a)?, .array(let b)?): return a.count == b.count && zip(a, b).allSatisfy { agree($0, $1) }
        case (.object(let a)?, .object(let b)?): return Set(a.keys) == Set(b.keys) && a.keys.allSatisfy { agree(a[$0], b[$0]) }
        default: return left == right
        }
    }

    func expectSame(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let bytes = Array(text.utf8)
        #expect(agree(parsed(bytes), oracle(bytes)), "\(text.debugDescription)", sourceLocation: sourceLocation)
    }

    @Test func edgeCasesAgreeWithJSONDecoder() {
        let documents = [
            "{}", "[]", "null", "true", "false", "0", "-0", "1", "-1", "1.0", "-0.0", "1.5", "1e2", "1E2", "1e+2", "1e-2",
            "1.25e1", "9223372036854775807", "-9223372036854775808", "9223372036854775808", "1e18", "1e19", "1e400", "2.5e-9223372036854775807", "2.5e9223372036854775807", "1e99999999999999999999", "1e-99999999999999999999", "0e99999999999999999999",
            "-1e400", "0.1", "123456789012345678901234567890", "01", "-", "1.", ".5", "1e", "+1", "--1", "0x10",
            "\"\"", "\"a\\\"b\"", "\"\\\\\"", "\"\\/\"", "\"\\b\\f\\n\\r\\t\"", "\"\\u0041\"", "\"\\u00e9\"", "\"\\u2028\"",
            "\"\\ud83c\\udf89\"", "\"\\ud83c\"", "\"\\udf89\"", "\"\\ud83cx\"", "\"\\u12\"", "\"\\x\"", "\"\\u0000\"",
            "\"tab\there\"", "\"line\nbreak\"", "\"unterminated", "\"émoji 🎉 東京\"",
            "{\"a\":1,\"a\":2}", "{\"a\":1,}", "[1,]", "[,]", "{,}", "[1,,2]", "{\"a\":1,,\"b\":2}", "[1 , ]", "{\"a\":1 ,\n}", "[1 2]", "{\"a\" 1}", "{a:1}", "{\"a\":1", "[", "]", "{", "}",
            " \n\t{ \"a\" : [ 1 , { } , [ ] , \"x\" ] } \r\n", "{} {}", "[] x", "", " ", "tru", "nul", "falsey",
            "\u{FEFF}{\"bom\":true}", "[1e-7, 123456.789, 1e15, 1e20, -2.25]", "{\"nested\":{\"deep\":[[[[\"x\"]]]]}}",
        ]
        for document in documents { expectSame(document) }
    }

    @Test func invalidUTF8IsRefusedAsBefore() {
        for bytes: [UInt8] in [[0x22, 0xFF, 0x22], [0x22, 0xC3, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22], [0x5B, 0x22, 0x80, 0x22, 0x5D]] {
            #expect(agree(parsed(bytes), oracle(bytes)), "\(bytes)")
        }
    }

    @Test func theMeantDifferences() {
        #expect(parsed(Array("1612269623475192.036".utf8)) == .double(1612269623475192.036))
        #expect(oracle(Array("1612269623475192.036".utf8)) == .int(1612269623475192))
        #expect(parsed(Array("25000486441792802.5".utf8)) == .double(25000486441792804))
        #expect(oracle(Array("25000486441792802.5".utf8)) == .int(25000486441792802))
        #expect(Double(25000486441792802) != 25000486441792804, "a whole ulp apart, which `agree` allows")
        #expect(agree(parsed(Array("25000486441792802.5".utf8)), oracle(Array("25000486441792802.5".utf8))))
        #expect(!agree(.int(25000486441792802), .double(25000486441792812)), "but not two")
        #expect(parsed(Array("12.50e1".utf8)) == .int(125))
        #expect(parsed(Array("-9223372036854775808".utf8)) == .int(.min))
        #expect(parsed([UInt8(ascii: "1"), 0]) == nil)
    }

    @Test func deepNestingIsRefusedNotACrash() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(parsed(Array(deep.utf8)) == nil)
        let fine = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(parsed(Array(fine.utf8)) != nil)
    }

    static let pieces = ["{", "}", "[", "]", ",", ":", "\"", "\\", "\"k\"", "1", "-", ".", "e", "0", "true", "null", " ",
                         "\\u00", "é", "\"s\"", "2.5", "1e3", "{\"a\":", "[1,", "\\n"]

    @Test func randomDocumentsAndTheirMutationsAgree() {
        var generator = SystemRandomNumberGenerator()
        let writer = JSONWritingTests()
        for _ in 0..<1_000 {
            let valid = writer.random(depth: 0, &generator).encodedBytes()
            #expect(parsed(valid) == oracle(valid))
            // The same document with a few bytes changed, dropped or added: mostly invalid, sometimes not.
            var mutated = valid
            for _ in 0..<Int.random(in: 1...3, using: &generator) {
                let position = Int.random(in: 0...mutated.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0 where position < mutated.count: mutated.remove(at: position)
                case 1 where position < mutated.count: mutated[position] = UInt8.random(in: 1...255, using: &generator)
                default: mutated.insert(contentsOf: Array(Self.pieces.randomElement(using: &generator)!.utf8), at: position)
                }
            }
            let (ours, theirs) = (parsed(mutated), oracle(mutated))
            #expect(agree(ours, theirs) || (ours == nil && refusedByAFullReader(mutated)),
                    "\(String(decoding: mutated, as: UTF8.self).debugDescription)")
        }
    }

    /// `JSONDecoder` reads a repeated key's first value only and leaves the later ones unchecked, so it accepts a
    /// document whose later value is not JSON; the parser refuses it, as `JSONSerialization` (which reads every
    /// value) does.
    func refusedByAFullReader(_ bytes: [UInt8]) -> Bool {
        (try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])) == nil
    }

    @Test func aRepeatedKeysLaterValueIsCheckedToo() {
        let bytes = Array(#"{"a":1,"a":"x"#.utf8) + [0x01] + Array(#"y"}"#.utf8)
        #expect(oracle(bytes) == .object(["a": 1]), "JSONDecoder leaves the second value unchecked")
        #expect(parsed(bytes) == nil)
        #expect(refusedByAFullReader(bytes))
        #expect(parsed(Array(#"{"a":1,"a":"xy"}"#.utf8)) != nil)
    }

    @Test func randomTokenSequencesAgree() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<3_000 {
            let text = (0..<Int.random(in: 1...12, using: &generator)).map { _ in Self.pieces.randomElement(using: &generator)! }.joined()
            expectSame(text)
        }
    }
}
