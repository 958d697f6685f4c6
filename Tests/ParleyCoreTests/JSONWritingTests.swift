import Foundation
import ParleyCore
import Testing

@Suite("JSON written without JSONEncoder")
struct JSONWritingTests {
    func foundation(_ value: JSONValue) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static let strings = ["", "plain", "quote \" and \\ back", "slash / stays", "tab\tnew\nline\r", "\u{0}\u{1}\u{1F}\u{7F}",
                          "\u{8}\u{C}", "émoji 🎉 東京", "\u{2028}\u{2029}", "Zebra", "apple", "Äpfel", "_under", "A", "a", "10", "9"]

    func random(depth: Int, _ generator: inout some RandomNumberGenerator) -> JSONValue {
        switch Int.random(in: 0..<(depth > 3 ? 5 : 7), using: &generator) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &generator))
        case 2: return .int(Int.random(in: Int.min...Int.max, using: &generator))
        case 3: return .int(Int.random(in: -1000...1000, using: &generator))
        case 4: return .string(Self.strings.randomElement(using: &generator)! + Self.strings.randomElement(using: &generator)!)
        case 5: return .array((0..<Int.random(in: 0...4, using: &generator)).map { _ in random(depth: depth + 1, &generator) })
        default:
            var object: [String: JSONValue] = [:]
            for _ in 0..<Int.random(in: 0...5, using: &generator) {
                object[Self.strings.randomElement(using: &generator)!] = random(depth: depth + 1, &generator)
            }
            return .object(object)
        }
    }

    @Test func sameBytesAsJSONEncoderWithSortedKeys() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let value = random(depth: 0, &generator)
            #expect(value.encodedString() == (try foundation(value)))
        }
    }

    @Test func doublesReadBackTheSame() throws {
        for number in [0.5, 1.0, -2.0, 2.25, -3.75, 0.1, 1e-7, 123456.789, 1e15, 1e20, -0.0, Double.pi] {
            let written = JSONValue.double(number).encodedString()
            let read = try JSONSerialization.jsonObject(with: Data("[\(written)]".utf8)) as? [NSNumber]
            #expect(read?.first?.doubleValue == number, "\(number) written as \(written)")
        }
        #expect(JSONValue.double(.nan).encodedString() == "null", "JSON has no NaN")
        #expect(JSONValue.double(2).encodedString() == (try foundation(.double(2))))
    }

    @Test func parsesWhatItWrites() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let value = random(depth: 0, &generator)
            #expect(try JSONValue.parse(value.encoded()) == value)
        }
    }
}
