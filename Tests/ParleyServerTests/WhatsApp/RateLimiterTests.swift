import Foundation
@testable import ParleyServer
import ParleyCore
import Testing

/// The per-number limit, judged by when the limiter let each send out and when its request came back (the spans
/// in which Meta may have counted it), so a busy machine that delays requests on their way cannot make it look
/// better or worse than it is.
@Suite("Per-number rate limiter")
struct RateLimiterTests {
    struct Span: Sendable { let start: Date, end: Date }

    /// The most spans that can reach into one second: Meta counts each send at some instant of its span.
    static func busiestSecond(_ spans: [Span]) -> Int {
        spans.map { candidate in
            spans.count(where: { $0.end >= candidate.end && $0.start.timeIntervalSince(candidate.end) < ThroughputWindow.length })
        }.max() ?? 0
    }

    @Test(arguments: [5.0, 10])
    func aBurstIsLetOutAtMostRatePerSecond(rate: Double) async throws {
        let limiter = RateLimiter(ratePerSecond: rate)
        let sends = Int(rate) * 2 + 5
        let spans = try await withThrowingTaskGroup(of: Span.self) { group in
            for index in 0..<sends {
                group.addTask {
                    try await limiter.send(for: 7) {
                        let start = Date()
                        // Requests of different lengths, one in five held up for a fifth of a second.
                        try await Task.sleep(for: .milliseconds(index % 5 == 0 ? 200 : index % 3))
                        return Span(start: start, end: Date())
                    }
                }
            }
            return try await group.reduce(into: [Span]()) { $0.append($1) }
        }
        #expect(spans.count == sends)
        let busiest = Self.busiestSecond(spans)
        #expect(Double(busiest) <= rate, "\(busiest) sends could reach Meta within one second")
        // The first `rate` go at once and each later one waits for its slot: over two rates' worth need two windows.
        let starts = spans.map(\.start).sorted()
        #expect(starts.last!.timeIntervalSince(starts.first!) >= 2 * ThroughputWindow.length - 0.01)
        #expect(try await limiter.send(for: 8) { Date() }.timeIntervalSinceNow > -0.5, "another number has its own budget, free at once")
    }

    /// A send that took long on its way keeps its place for a second after its answer: a limiter counting from the
    /// start let the next send out while the slow one may just have reached Meta.
    @Test func aSlowSendHoldsItsPlaceUntilASecondAfterItsAnswer() async throws {
        let limiter = RateLimiter(ratePerSecond: 2)
        async let slow: Span = limiter.send(for: 3) {
            let start = Date()
            try await Task.sleep(for: .milliseconds(400))
            return Span(start: start, end: Date())
        }
        try await Task.sleep(for: .milliseconds(20))
        let quick = try await limiter.send(for: 3) { Date() }
        let third = try await limiter.send(for: 3) { Date() }
        let fourth = try await limiter.send(for: 3) { Date() }
        let slowSpan = try await slow
        #expect(third.timeIntervalSince(quick) >= 0.99, "the third waits a second after the quick one")
        #expect(fourth.timeIntervalSince(slowSpan.end) >= 0.99, "the fourth waits a second after the slow one's answer")
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
