/// Reads a JSON document (RFC 8259, UTF-8) straight into `JSONValue`. Foundation's `JSONDecoder` reached the same
/// values through `Decodable`, trying each JSON type in turn and throwing for every miss: parsing stored JSON (a
/// ticket's source, an audit's events, a message's metadata) was the largest item of a view page's profile.
/// It accepts what `JSONDecoder` accepted (a differential test holds them together): a number without fraction or
/// exponent that fits is an `Int`, as is one whose value is a whole number that fits (`1.0`, `1e2`); a repeated
/// key keeps its first value; a comma may end an array or object (`[1,]`); nesting deeper than 512 levels is
/// refused.
struct JSONParser {
    static let maxDepth = 512

    struct Failure: Error {}

    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    private var depth = 0

    private init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        // A byte order mark is not JSON, but JSONDecoder skipped it.
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { index = 3 }
    }

    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(Failure) -> JSONValue {
        var parser = JSONParser(bytes)
        let value = try parser.value()
        parser.skipWhitespace()
        guard parser.index == bytes.count else { throw Failure() }
        return value
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    private mutating func value() throws(Failure) -> JSONValue {
        skipWhitespace()
        guard index < bytes.count else { throw Failure() }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default: throw Failure()
        }
    }

    private mutating func literal(_ word: StaticString) throws(Failure) {
        let count = word.utf8CodeUnitCount
        guard bytes.count - index >= count else { throw Failure() }
        let expected = UnsafeBufferPointer(start: word.utf8Start, count: count)
        for offset in 0..<count where bytes[index + offset] != expected[offset] { throw Failure() }
        index += count
    }

    private mutating func nest() throws(Failure) {
        depth += 1
        guard depth <= Self.maxDepth else { throw Failure() }
    }

    private mutating func object() throws(Failure) -> JSONValue {
        try nest()
        defer { depth -= 1 }
        index += 1
        var members: [String: JSONValue] = [:]
        if closes(UInt8(ascii: "}")) { return .object(members) }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw Failure() }
            let key = try string()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw Failure() }
            index += 1
            let member = try value()
            if members[key] == nil { members[key] = member }
            if try endsAfterItem(UInt8(ascii: "}")) { return .object(members) }
        }
    }

    private mutating func array() throws(Failure) -> JSONValue {
        try nest()
        defer { depth -= 1 }
        index += 1
        var items: [JSONValue] = []
        if closes(UInt8(ascii: "]")) { return .array(items) }
        while true {
            items.append(try value())
            if try endsAfterItem(UInt8(ascii: "]")) { return .array(items) }
        }
    }

    /// Steps over `closing` if it comes next (whitespace aside).
    private mutating func closes(_ closing: UInt8) -> Bool {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == closing else { return false }
        index += 1
        return true
    }

    /// After an item of an array or object: a comma (then maybe `closing`: a trailing comma is allowed) or `closing`.
    private mutating func endsAfterItem(_ closing: UInt8) throws(Failure) -> Bool {
        skipWhitespace()
        guard index < bytes.count else { throw Failure() }
        if bytes[index] == closing {
            index += 1
            return true
        }
        guard bytes[index] == UInt8(ascii: ",") else { throw Failure() }
        index += 1
        return closes(closing)
    }

    /// At the opening quote; ends after the closing one.
    private mutating func string() throws(Failure) -> String {
        index += 1
        let start = index
        // Most strings have no escapes: their bytes are the string's UTF-8.
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let text = try validUTF8(UnsafeBufferPointer(rebasing: bytes[start..<index]))
                index += 1
                return text
            }
            if byte == UInt8(ascii: "\\") { break }
            guard byte >= 0x20 else { throw Failure() }
            index += 1
        }
        var utf8 = Array(bytes[start..<index])
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return try utf8.withUnsafeBufferPointer { buffer throws(Failure) in try validUTF8(buffer) }
            case UInt8(ascii: "\\"):
                index += 1
                guard index < bytes.count else { throw Failure() }
                let escaped = bytes[index]
                index += 1
                switch escaped {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(escaped)
                case UInt8(ascii: "b"): utf8.append(0x08)
                case UInt8(ascii: "f"): utf8.append(0x0C)
                case UInt8(ascii: "n"): utf8.append(0x0A)
                case UInt8(ascii: "r"): utf8.append(0x0D)
                case UInt8(ascii: "t"): utf8.append(0x09)
                case UInt8(ascii: "u"): utf8.append(contentsOf: try unicodeEscape())
                default: throw Failure()
                }
            default:
                guard byte >= 0x20 else { throw Failure() }
                utf8.append(byte)
                index += 1
            }
        }
        throw Failure()
    }

    private func validUTF8(_ buffer: UnsafeBufferPointer<UInt8>) throws(Failure) -> String {
        guard let text = String(validating: buffer, as: UTF8.self) else { throw Failure() }
        return text
    }

    /// After `\u`: one code point, a surrogate pair taking two escapes; a lone surrogate is refused.
    private mutating func unicodeEscape() throws(Failure) -> [UInt8] {
        let first = try hexQuad()
        var scalarValue = UInt32(first)
        if (0xD800...0xDBFF).contains(first) {
            guard bytes.count - index >= 6, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
            else { throw Failure() }
            index += 2
            let second = try hexQuad()
            guard (0xDC00...0xDFFF).contains(second) else { throw Failure() }
            scalarValue = 0x10000 + ((UInt32(first) - 0xD800) << 10) + (UInt32(second) - 0xDC00)
        } else if (0xDC00...0xDFFF).contains(first) {
            throw Failure()
        }
        guard let scalar = Unicode.Scalar(scalarValue) else { throw Failure() }
        return Array(String(Character(scalar)).utf8)
    }

    private mutating func hexQuad() throws(Failure) -> UInt16 {
        guard bytes.count - index >= 4 else { throw Failure() }
        var value: UInt16 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw Failure()
            }
            value = value << 4 | UInt16(digit)
            index += 1
        }
        return value
    }

    private mutating func number() throws(Failure) -> JSONValue {
        let start = index
        let negative = bytes[index] == UInt8(ascii: "-")
        if negative { index += 1 }
        guard index < bytes.count else { throw Failure() }
        let integerStart = index
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            guard try digits() > 0 else { throw Failure() }
        }
        var significand = Array(bytes[integerStart..<index])
        var scale = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            let fractionStart = index
            guard try digits() > 0 else { throw Failure() }
            significand += bytes[fractionStart..<index]
            scale -= index - fractionStart
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            var exponentNegative = false
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                exponentNegative = bytes[index] == UInt8(ascii: "-")
                index += 1
            }
            let exponentStart = index
            guard try digits() > 0 else { throw Failure() }
            let exponentText = String(decoding: UnsafeBufferPointer(rebasing: bytes[exponentStart..<index]), as: UTF8.self)
            // Capped, so that adding it to the scale cannot overflow: past ±100,000 the number is 0 or infinite anyway.
            let exponent = min(Int(exponentText) ?? 100_000, 100_000)
            scale += exponentNegative ? -exponent : exponent
        }
        if let whole = Self.exactInteger(significand, scale: scale, negative: negative) { return .int(whole) }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        guard let value = Double(text), value.isFinite else { throw Failure() }
        return .double(value)
    }

    /// The number `significand` × 10^`scale` when it is a whole number that fits an `Int`, computed on the decimal
    /// digits (`1.0`, `1e2`, `12.50e1`; not through `Double`, which rounds beyond 2^53).
    private static func exactInteger(_ significand: [UInt8], scale: Int, negative: Bool) -> Int? {
        var digits = significand
        if scale < 0 {
            guard -scale <= digits.count, digits.suffix(-scale).allSatisfy({ $0 == UInt8(ascii: "0") }) else { return nil }
            digits.removeLast(-scale)
        } else if scale > 0 {
            guard scale <= 20 else { return digits.allSatisfy { $0 == UInt8(ascii: "0") } ? 0 : nil }
            digits += repeatElement(UInt8(ascii: "0"), count: scale)
        }
        var value = 0
        for digit in digits {
            let (shifted, overflow) = value.multipliedReportingOverflow(by: 10)
            guard !overflow else { return nil }
            let amount = Int(digit - UInt8(ascii: "0"))
            // Accumulated negative for a negative number, so that Int.min fits.
            let (next, overflowAgain) = negative ? shifted.subtractingReportingOverflow(amount) : shifted.addingReportingOverflow(amount)
            guard !overflowAgain else { return nil }
            value = next
        }
        return value
    }

    private mutating func digits() throws(Failure) -> Int {
        let start = index
        while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
        return index - start
    }
}
