import Foundation
import ParleyJSON

extension CardRedactor {
    /// Masks card numbers in every string of a JSON document, however deeply nested, and returns the masked
    /// document with the number of card numbers masked.
    ///
    /// Object keys are left alone: they are field names chosen by the sender's software, not what a customer
    /// typed, and renaming them would break whoever reads the document.
    ///
    /// A card number can also arrive as a JSON number (a contact or form field typed as numeric). Such a
    /// number becomes a string with the masked form, since a masked number is no longer a number; the count
    /// includes it. Only integral numbers can be card numbers; a fraction is left as it is.
    ///
    /// Meant for what people typed (message bodies, form and contact fields). Run over a whole webhook payload it
    /// would also mask machine values that happen to pass Luhn, such as WhatsApp `wa_id`s (phone numbers
    /// without `+`) or millisecond timestamps, and turn numeric ones into strings.
    public static func redact(_ value: JSONValue) -> (JSONValue, Int) {
        switch value {
        case .null, .bool:
            return (value, 0)
        case .string(let text):
            let redaction = redact(text)
            return redaction.count == 0 ? (value, 0) : (.string(redaction.text), redaction.count)
        case .int(let number):
            return redactNumber(String(number), original: value)
        case .double(let number):
            // Large numbers that do not fit `Int` decode as `Double`; written out as an integer their digits are
            // the ones the sender meant (as far as a Double kept them), whereas `description` would use exponents.
            guard number.isFinite, number.rounded(.towardZero) == number,
                let magnitude = UInt64(exactly: number.magnitude)
            else { return (value, 0) }
            return redactNumber((number < 0 ? "-" : "") + String(magnitude), original: value)
        case .array(let elements):
            var total = 0
            let redacted = elements.map { element -> JSONValue in
                let (result, count) = redact(element)
                total += count
                return result
            }
            return total == 0 ? (value, 0) : (.array(redacted), total)
        case .object(let members):
            var total = 0
            let redacted = members.mapValues { member -> JSONValue in
                let (result, count) = redact(member)
                total += count
                return result
            }
            return total == 0 ? (value, 0) : (.object(redacted), total)
        }
    }

    private static func redactNumber(_ digits: String, original: JSONValue) -> (JSONValue, Int) {
        let redaction = redact(digits)
        return redaction.count == 0 ? (original, 0) : (.string(redaction.text), redaction.count)
    }
}
