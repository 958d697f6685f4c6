import Foundation
@testable import ParleyServer
import Testing

/// `Date.iso8601` writes what Foundation's `.iso8601` format style writes.
@Suite("ISO 8601 timestamps")
struct DateISO8601Tests {
    @Test func sameAsFoundationAcrossTheCalendar() {
        var generator = SystemRandomNumberGenerator()
        var dates: [Date] = []
        // Edges: the epoch, leap days, century years, year ends, the last second this writes, and beyond it.
        for text in ["1970-01-01T00:00:00Z", "2000-02-29T23:59:59Z", "2100-02-28T12:00:00Z", "2100-03-01T00:00:00Z",
                     "2024-12-31T23:59:59Z", "2025-01-01T00:00:00Z", "1999-12-31T23:59:59Z", "9999-12-31T23:59:59Z"] {
            dates.append(try! Date(text, strategy: .iso8601))
        }
        dates += [Date(timeIntervalSince1970: 253_402_300_800), Date(timeIntervalSince1970: -1), Date(timeIntervalSince1970: -86_400.5)]
        for _ in 0..<50_000 {
            dates.append(Date(timeIntervalSince1970: Double.random(in: 0..<4_102_444_800, using: &generator)))
        }
        for _ in 0..<5_000 {
            dates.append(Date(timeIntervalSince1970: Double(Int.random(in: 0..<253_402_300_800, using: &generator)) + 0.999_999))
        }
        let different = dates.filter { $0.iso8601 != $0.formatted(.iso8601) }
        #expect(different.isEmpty, "\(different.prefix(3).map { ($0.timeIntervalSince1970, $0.iso8601, $0.formatted(.iso8601)) })")
        #expect(Date(timeIntervalSince1970: 1_800_000_000).iso8601 == "2027-01-15T08:00:00Z")
    }
}
