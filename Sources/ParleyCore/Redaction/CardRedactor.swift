import Foundation

/// Masks payment card numbers in free text, as Zendesk does on messaging tickets, so that a card a customer
/// types into a chat is never stored, shown to agents or sent on in the clear.
///
/// The first six digits (the issuer, so an agent can still tell the brand) and the last four (so customer
/// and agent can agree on which card) are kept; every other digit becomes `▇` and the separators stay, so the
/// masked number still reads as one number of the same length: `4242 4242 4242 4242` → `4242 42▇▇ ▇▇▇▇ 4242`.
///
/// A card number is a *run* of 12 to 19 digits that passes the Luhn check. Inside a run a single space or
/// dash may sit between two digits (how people group card digits); two separators in a row, a separator at
/// either end, or any other character end the run. The run is judged as a whole: a Luhn-valid 16 digits
/// inside a 25-digit run is not a card, because taking it out would mask account numbers, tracking numbers
/// and the like at random. The flip side: two cards with only a single space between them make one run of
/// 32 digits and stay unmasked.
///
/// Left alone on purpose:
/// - a run right after `+`: an international phone number (`+49 1511 2345 6789`), which agents need;
/// - runs that fail Luhn or have too few or too many digits (dates, order ids, amounts, most phone numbers).
///
/// Decisions that favour the customer over a clean transcript:
/// - Letters next to a run do not protect it (unlike Zendesk's word boundaries). Customers write
///   `card:4242…` or `Visa4242…`, and Chinese, Japanese or Thai text puts no spaces between words, so a
///   word-boundary rule would never mask a card typed in those languages. The price is that an identifier
///   with a Luhn-valid 12–19 digit stretch in it is occasionally masked; about one random digit run in ten
///   passes Luhn.
/// - Any Unicode decimal digit (general category Nd) counts, with its numeric value: a card typed with
///   Arabic-Indic (`٤٢٤٢…`), fullwidth (`４２４２…`) or Devanagari digits is as real as an ASCII one, and
///   scripts may be mixed within one run.
/// - Besides the ASCII space and hyphen-minus, the spaces and dashes that keyboards, autocorrect and IMEs
///   substitute for them (no-break and thin spaces, the ideographic space, Unicode hyphens, the en dash,
///   fullwidth hyphen) also join digit groups.
///
/// One pass over the UTF-8 bytes, no regular expression, no allocation when nothing is masked: this runs on
/// every inbound message, and backtracking patterns over digit runs are a denial-of-service risk.
public enum CardRedactor {
    /// What masked digits become (U+2587 LOWER SEVEN EIGHTHS BLOCK), as on Zendesk tickets.
    public static let maskCharacter: Character = "\u{2587}"
    public static let digitCount: ClosedRange<Int> = 12...19
    public static let keptLeadingDigits = 6
    public static let keptTrailingDigits = 4

    public static func redact(_ text: String) -> Redaction {
        var text = text
        let masked = text.withUTF8 { redact(utf8: $0) }
        guard let masked else { return Redaction(text: text, count: 0) }
        return Redaction(text: masked.text, count: masked.count)
    }

    // Works on the UTF-8 bytes rather than `unicodeScalars`: several times faster, and a Swift string is
    // always valid UTF-8, so decoding needs no error handling. Returns nil when nothing was masked, so that
    // the caller hands back the original string without copying it.
    private static func redact(utf8 bytes: UnsafeBufferPointer<UInt8>) -> (text: String, count: Int)? {
        let end = bytes.count
        var output: [UInt8] = []
        var copiedUpTo = 0
        var count = 0
        var previous: UInt32 = 0
        var index = 0

        while index < end {
            let (scalar, length) = decode(bytes, at: index)
            guard var value = digitValue(scalar) else {
                previous = scalar
                index += length
                continue
            }

            let runStart = index
            var runEnd = index + length
            var digits = 0
            // Luhn doubles every second digit counted from the right, but the run's length is only known at its
            // end; summing both ways while reading keeps it one pass with no buffer.
            var sumDoublingEvenPositions = 0
            var sumDoublingOddPositions = 0
            while true {
                if digits & 1 == 0 {
                    sumDoublingEvenPositions &+= luhnDoubled(value)
                    sumDoublingOddPositions &+= value
                } else {
                    sumDoublingEvenPositions &+= value
                    sumDoublingOddPositions &+= luhnDoubled(value)
                }
                digits &+= 1
                guard runEnd < end else { break }
                let (next, nextLength) = decode(bytes, at: runEnd)
                if let nextValue = digitValue(next) {
                    value = nextValue
                    runEnd += nextLength
                    continue
                }
                guard isSeparator(next) else { break }
                let afterSeparator = runEnd + nextLength
                guard afterSeparator < end else { break }
                let (following, followingLength) = decode(bytes, at: afterSeparator)
                guard let followingValue = digitValue(following) else { break }
                value = followingValue
                runEnd = afterSeparator + followingLength
            }
            // The scalar at `runEnd` is not a digit: the outer loop reads it next and makes it `previous`.
            index = runEnd

            // The rightmost digit is never doubled, so with an even count the doubled ones are at even positions.
            let luhnSum = digits & 1 == 0 ? sumDoublingEvenPositions : sumDoublingOddPositions
            guard digitCount.contains(digits), luhnSum % 10 == 0, !isPlus(previous) else { continue }

            if count == 0 { output.reserveCapacity(end + 3 * digits + 16) }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copiedUpTo..<runStart]))
            let maskedPositions = keptLeadingDigits..<(digits - keptTrailingDigits)
            var position = 0
            var cursor = runStart
            while cursor < runEnd {
                let (runScalar, runLength) = decode(bytes, at: cursor)
                if digitValue(runScalar) != nil {
                    if maskedPositions.contains(position) {
                        output.append(contentsOf: maskUTF8)
                    } else {
                        output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[cursor..<(cursor + runLength)]))
                    }
                    position += 1
                } else {
                    output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[cursor..<(cursor + runLength)]))
                }
                cursor += runLength
            }
            copiedUpTo = runEnd
            count += 1
        }

        guard count > 0 else { return nil }
        output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copiedUpTo..<end]))
        return (String(decoding: output, as: UTF8.self), count)
    }

    @inline(__always)
    private static func decode(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> (scalar: UInt32, length: Int) {
        let lead = UInt32(bytes[index])
        if lead < 0x80 { return (lead, 1) }
        let second = UInt32(bytes[index + 1]) & 0x3F
        if lead < 0xE0 { return ((lead & 0x1F) << 6 | second, 2) }
        let third = UInt32(bytes[index + 2]) & 0x3F
        if lead < 0xF0 { return ((lead & 0x0F) << 12 | second << 6 | third, 3) }
        let fourth = UInt32(bytes[index + 3]) & 0x3F
        return ((lead & 0x07) << 18 | second << 12 | third << 6 | fourth, 4)
    }

    @inline(__always)
    private static func luhnDoubled(_ digit: Int) -> Int {
        let doubled = digit &* 2
        return doubled > 9 ? doubled &- 9 : doubled
    }

    @inline(__always)
    private static func digitValue(_ scalar: UInt32) -> Int? {
        if scalar &- 0x30 < 10 { return Int(scalar &- 0x30) }
        if scalar < 0x660 { return nil }
        let page = Int(scalar >> 8)
        guard pagesWithDigits[page >> 6] & (1 << (page & 63)) != 0 else { return nil }
        // Binary search for the last zero at or below `scalar`: every Nd block is ten consecutive code points
        // with the values 0 to 9.
        var low = 0
        var high = decimalDigitZeros.count
        while high - low > 1 {
            let middle = (low + high) / 2
            if decimalDigitZeros[middle] <= scalar { low = middle } else { high = middle }
        }
        let offset = scalar &- decimalDigitZeros[low]
        return offset < 10 ? Int(offset) : nil
    }

    @inline(__always)
    private static func isSeparator(_ scalar: UInt32) -> Bool {
        switch scalar {
        // space, hyphen-minus
        case 0x20, 0x2D: true
        // no-break, figure, thin, narrow no-break and ideographic space
        case 0xA0, 0x2007, 0x2009, 0x202F, 0x3000: true
        // hyphen, non-breaking hyphen, figure dash, en dash, minus sign, small and fullwidth hyphen-minus
        case 0x2010, 0x2011, 0x2012, 0x2013, 0x2212, 0xFE63, 0xFF0D: true
        default: false
        }
    }

    @inline(__always)
    private static func isPlus(_ scalar: UInt32) -> Bool {
        scalar == 0x2B || scalar == 0xFF0B || scalar == 0xFE62  // plus, fullwidth and small plus
    }

    /// One bit per 256 code points, set where a block of decimal digits lies, so that scripts without digits
    /// (CJK, Hangul, emoji…) are rejected without searching `decimalDigitZeros`.
    private static let pagesWithDigits: [UInt64] = {
        var bits = [UInt64](repeating: 0, count: 0x110000 >> 14)
        for zero in decimalDigitZeros {
            for page in [Int(zero >> 8), Int((zero + 9) >> 8)] { bits[page >> 6] |= 1 << (page & 63) }
        }
        return bits
    }()

    private static let maskUTF8: [UInt8] = Array("\u{2587}".utf8)

    /// The first code point (digit zero) of every block of Unicode decimal digits (general category Nd).
    ///
    /// A table instead of `Unicode.Scalar.Properties`: the property lookup costs about 50 ns a scalar, which
    /// made a 100-character Chinese message take 5 µs. `CardRedactorTests` checks the table against the
    /// standard library's Unicode data, so a newer Unicode version with new digits fails a test rather than
    /// going unnoticed. Generated from Swift 6.3's Unicode data.
    static let decimalDigitZeros: [UInt32] = [
        0x30, 0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66, 0xDE6, 0xE50,
        0xED0, 0xF20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90, 0x1B50, 0x1BB0, 0x1C40,
        0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10, 0x104A0, 0x10D30, 0x10D40,
        0x11066, 0x110F0, 0x11136, 0x111D0, 0x112F0, 0x11450, 0x114D0, 0x11650, 0x116C0, 0x116D0, 0x116DA,
        0x11730, 0x118E0, 0x11950, 0x11BF0, 0x11C50, 0x11D50, 0x11DA0, 0x11DE0, 0x11F50, 0x16130, 0x16A60,
        0x16AC0, 0x16B50, 0x16D70, 0x1CCF0, 0x1D7CE, 0x1D7D8, 0x1D7E2, 0x1D7EC, 0x1D7F6, 0x1E140, 0x1E2F0,
        0x1E4F0, 0x1E5F1, 0x1E950, 0x1FBF0,
    ]
}
