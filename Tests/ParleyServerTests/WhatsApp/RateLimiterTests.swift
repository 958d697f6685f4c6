import Foundation
@testable import ParleyServer
import Testing

/// The per-number limit, judged by the times the limiter lets sends out (its own clock), so a busy machine that
/// delays requests on their way cannot make it look better or worse than it is.
@Suite("Per-number rate limiter")
struct RateLimiterTests {
    @Test(arguments: [5.0, 10])
    func aBurstIsLetOutAtMostRatePerSecond(rate: Double) async {
        let limiter = RateLimiter(ratePerSecond: rate)
        let sends = Int(rate) * 2 + 5
        let granted = await withTaskGroup(of: Date.self) { group in
            for _ in 0..<sends { group.addTask { await limiter.acquire(7) } }
            return await group.reduce(into: [Date]()) { $0.append($1) }.sorted()
        }
        #expect(granted.count == sends)
        var busiest = 0
        for (index, first) in granted.enumerated() {
            busiest = max(busiest, granted[index...].prefix { $0.timeIntervalSince(first) < 1 }.count)
        }
        #expect(Double(busiest) <= rate, "\(busiest) sends let out within one second")
        // The first `rate` go at once and each later one waits for its slot: three seconds' worth need two windows.
        let span = granted.last!.timeIntervalSince(granted.first!)
        #expect(span >= 2 * RateLimiter.window - 0.01, "\(sends) sends spread over \(span) s")
        #expect(await limiter.acquire(8).timeIntervalSinceNow > -0.5, "another number has its own budget, free at once")
    }

    @Test func aRaisedRateTakesEffectForTheNextSend() async {
        let limiter = RateLimiter(ratePerSecond: 2)
        for _ in 0..<2 { await limiter.acquire(1) }
        await limiter.setRate(3)
        let third = await limiter.acquire(1)
        #expect(third.timeIntervalSinceNow > -0.5 && Date().timeIntervalSince(third) < 0.5, "the third fits the raised rate without waiting")
        #expect(await limiter.ratePerSecond == 3)
    }
}
