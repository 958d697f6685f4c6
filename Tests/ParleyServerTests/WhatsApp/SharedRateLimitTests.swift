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

    /// Two instances ask for a send every 5 ms of a simulated clock, through the real counters in the database:
    /// the sends granted never number more than the rate in any one-second window.
    @Test(arguments: [20.0, 80])
    func grantedSendsNeverExceedTheRateInAnySecond(rate: Double) async throws {
        try await TestApp.with { parley in
            let sql = try #require(parley.app.db as? SQLDatabase)
            let slots = SharedRateSlots { sql }
            let start = Date(timeIntervalSince1970: 2_000_000_000.03)
            var granted: [Date] = []
            for step in 0..<600 {
                let now = start.addingTimeInterval(Double(step) * 0.005)
                for _ in 0..<2 where try await slots.take(7, rate: rate, now: now) == 0 { granted.append(now) }
            }
            var busiest = 0
            for (index, first) in granted.enumerated() {
                busiest = max(busiest, granted[index...].prefix { $0.timeIntervalSince(first) < 1 }.count)
            }
            #expect(Double(busiest) <= rate, "\(busiest) sends in one second")
            #expect(Double(granted.count) >= rate * 3 * 0.75, "\(granted.count) sends in 3 s: most of the rate is used")
            #expect(try await slots.take(8, rate: rate, now: start.addingTimeInterval(1)) == 0, "another number has its own budget")
        }
    }

    /// The same through two real limiters: together they take as long as one number allows (a lower bound on
    /// time, which scheduling delays can only lengthen).
    @Test func twoLimitersTogetherWaitForOneNumbersBudget() async throws {
        try await TestApp.with { parley in
            let sql = try #require(parley.app.db as? SQLDatabase)
            let slots = SharedRateSlots { sql }
            let instances = [RateLimiter(ratePerSecond: 20, shared: slots), RateLimiter(ratePerSecond: 20, shared: slots)]
            let started = Date()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for limiter in instances {
                    group.addTask { for _ in 0..<24 { try await limiter.send(for: 7) {} } }
                }
                try await group.waitForAll()
            }
            // Unshared, each would send its 24 within about 1 s; sharing 20 a second, 48 need over 2 s.
            #expect(Date().timeIntervalSince(started) >= 2.0)
        }
    }
}
