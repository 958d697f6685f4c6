import Foundation
@testable import ParleyServer
import SQLKit
import Testing

/// Meta's limit is the number's: instances on one database share it.
@Suite("Per-number limit shared by instances")
struct SharedRateLimitTests {
    @Test(arguments: [2.0, 5, 20, 80, 1000])
    func anyOneSecondWindowStaysWithinTheRate(rate: Double) {
        let (length, capacity) = SharedRateSlots.slots(for: rate)
        let overlapped = Int((1 / length).rounded()) + 1
        #expect(Double(overlapped * capacity) <= rate)
        #expect(Double(capacity) / length >= rate * 0.5, "and lets through a useful share of it")
    }

    @Test func twoInstancesTogetherKeepOneNumbersLimit() async throws {
        try await TestApp.with { parley in
            let sql = try #require(parley.app.db as? SQLDatabase)
            let slots = SharedRateSlots { sql }
            let instances = [RateLimiter(ratePerSecond: 20, shared: slots), RateLimiter(ratePerSecond: 20, shared: slots)]
            var times = try await withThrowingTaskGroup(of: [Date].self) { group in
                for limiter in instances {
                    group.addTask {
                        var sent: [Date] = []
                        for _ in 0..<24 {
                            await limiter.acquire(7)
                            sent.append(Date())
                        }
                        return sent
                    }
                }
                return try await group.reduce(into: [Date]()) { $0 += $1 }
            }
            times.sort()
            #expect(times.count == 48)
            var busiest = 0
            for (index, start) in times.enumerated() {
                busiest = max(busiest, times[index...].prefix { $0.timeIntervalSince(start) < 1 }.count)
            }
            #expect(busiest <= 20, "alone, each instance would allow 20 a second: together 40")
            let other = try await SharedRateSlots { sql }.take(8, rate: 20)
            #expect(other == 0, "another number has its own budget")
        }
    }
}
