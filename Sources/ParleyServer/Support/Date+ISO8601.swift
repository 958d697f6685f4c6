import Foundation

extension Date {
    /// Zendesk's timestamp format: ISO 8601 in UTC, whole seconds (`2026-12-06T10:47:27Z`), as Foundation's
    /// `.iso8601` style writes it. Written by hand for the years 1970–9999: the format style was a tenth of
    /// rendering a ticket (profiled), and a list page writes several dates per ticket.
    var iso8601: String {
        let interval = timeIntervalSince1970
        guard interval >= 0, interval < 253_402_300_800 else { return formatted(.iso8601) }
        let total = Int(interval)
        let (days, secondOfDay) = total.quotientAndRemainder(dividingBy: 86_400)
        // Days to a civil date (Howard Hinnant's algorithm: 400-year eras, years starting in March).
        let shifted = days + 719_468
        let era = shifted / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthFromMarch = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1
        let month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return String(unsafeUninitializedCapacity: 20) { buffer in
            func put(_ value: Int, digits: Int, at offset: Int) {
                var value = value
                for index in stride(from: offset + digits - 1, through: offset, by: -1) {
                    buffer[index] = UInt8(ascii: "0") + UInt8(value % 10)
                    value /= 10
                }
            }
            put(year, digits: 4, at: 0)
            put(month, digits: 2, at: 5)
            put(day, digits: 2, at: 8)
            put(secondOfDay / 3_600, digits: 2, at: 11)
            put(secondOfDay / 60 % 60, digits: 2, at: 14)
            put(secondOfDay % 60, digits: 2, at: 17)
            for (offset, byte) in [(4, "-"), (7, "-"), (10, "T"), (13, ":"), (16, ":"), (19, "Z")] as [(Int, Unicode.Scalar)] {
                buffer[offset] = UInt8(ascii: byte)
            }
            return 20
        }
    }
}
