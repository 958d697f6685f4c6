import Foundation
@testable import ParleyServer
import ParleyCore
import ParleyTestSupport
import Testing

/// The per-number limit, judged by when the limiter let each send out and when its request came back (the spans
/// in which Meta may have counted it), so a busy machine that delays requests on their way cannot make it look
/// better or worse than it is.
@Suite("Per-number rate limiter")
struct RateLimiterTests {
    @Test(arguments: [5.0, 10])
    func aBurstIsLetOutAtMostRatePerSecond(rate: Double) async throws {
        let limiter = RateLimiter(ratePerSecond: rate)
        let sends = Int(rate) * 2 + 5
        let spans = try await withThrowingTaskGroup(of: SendSpan.self) { group in
            for index in 0..<sends {
                group.addTask {
                    try await limiter.send(for: 7) {
                        let start = Date().timeIntervalSince1970
                        // Requests of different lengths, one in five held up for a fifth of a second.
                        try await Task.sleep(for: .milliseconds(index % 5 == 0 ? 200 : index % 3))
                        return SendSpan(start: start, end: Date().timeIntervalSince1970)
                    }
                }
            }
            return try await group.reduce(into: [SendSpan]()) { $0.append($1) }
        }
        #expect(spans.count == sends)
        let busiest = spans.busiestSecond
        #expect(Double(busiest) <= rate, "\(busiest) sends could reach Meta within one second")
        // The first `rate` go at once and each later one waits for its slot: over two rates' worth need two windows.
        let starts = spans.map(\.start).sorted()
        #expect(starts.last! - starts.first! >= 2 * ThroughputWindow.length - 0.01)
        #expect(try await limiter.send(for: 8) { Date() }.timeIntervalSinceNow > -0.5, "another number has its own budget, free at once")
    }

    /// A send that took long on its way keeps its place for a second after its answer: a limiter counting from the
    /// start let the next send out while the slow one may just have reached Meta.
    @Test func aSlowSendHoldsItsPlaceUntilASecondAfterItsAnswer() async throws {
        let limiter = RateLimiter(ratePerSecond: 2)
        async let slow: Date = limiter.send(for: 3) {
            try await Task.sleep(for: .milliseconds(400))
            return Date()
        }
        try await Task.sleep(for: .milliseconds(20))
        let quick = try await limiter.send(for: 3) { Date() }
        let third = try await limiter.send(for: 3) { Date() }
        let fourth = try await limiter.send(for: 3) { Date() }
        let slowAnswer = try await slow
        #expect(third.timeIntervalSince(quick) >= 0.99, "the third waits a second after the quick one")
        #expect(fourth.timeIntervalSince(slowAnswer) >= 0.99, "the fourth waits a second after the slow one's answer")
    }

    @Test func aFailedSendCountsAndItsErrorComesThrough() async throws {
        struct Refused: Error {}
        let limiter = RateLimiter(ratePerSecond: 1)
        await #expect(throws: Refused.self) { try await limiter.send(for: 1) { throw Refused() } }
        let failedAt = Date()
        let next = try await limiter.send(for: 1) { Date() }
        #expect(next.timeIntervalSince(failedAt) >= 0.99, "a request that failed may still have reached Meta")
    }

    @Test func aRaisedRateTakesEffectForTheNextSend() async throws {
        let limiter = RateLimiter(ratePerSecond: 2)
        for _ in 0..<2 { try await limiter.send(for: 1) {} }
        await limiter.setRate(3)
        let third = try await limiter.send(for: 1) { Date() }
        #expect(third.timeIntervalSinceNow > -0.5 && Date().timeIntervalSince(third) < 0.5, "the third fits the raised rate without waiting")
        #expect(await limiter.ratePerSecond == 3)
    }
}
