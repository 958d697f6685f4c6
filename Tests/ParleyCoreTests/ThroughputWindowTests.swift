import Foundation
import ParleyCore
import ParleyTestSupport
import Testing

@Suite("Per-number throughput window")
struct ThroughputWindowTests {
    /// Seconds from the reference date: a difference of two instants is then the same subtraction as in the checks.
    func at(_ seconds: TimeInterval) -> Date { Date(timeIntervalSinceReferenceDate: seconds) }

    @Test func rateSendsStartAtOnceAndTheNextWaitsForAnAnswer() {
        var window = ThroughputWindow()
        let burst = (0..<4).map { _ in window.start(rate: 3, at: at(0)) }
        #expect(burst == [true, true, true, false])
        #expect(window.inFlight == 3)
        // All three still on their way: nothing tells when the first reaches Meta, so the limiter asks again soon.
        #expect(window.wait(rate: 3, at: at(0.2), poll: 0.01) == 0.01)
        window.end(at: at(0.25))
        // Answered at 0.25 s, the send counts until 1.25 s, not 1 s after it started.
        #expect(window.wait(rate: 3, at: at(0.5)) == 0.75)
        let later = [window.start(rate: 3, at: at(1.2)), window.start(rate: 3, at: at(1.25))]
        #expect(later == [false, true])
        #expect(window.counted(at: at(1.25)) == 3)
    }

    @Test func aFailedOrSlowSendKeepsItsPlaceUntilASecondAfterItEnds() {
        var window = ThroughputWindow()
        var started = [window.start(rate: 2, at: at(0)), window.start(rate: 2, at: at(0))]  // a slow one, a quick one
        window.end(at: at(0))  // the quick one
        #expect(window.wait(rate: 2, at: at(0.5)) == 0.5)
        started.append(window.start(rate: 2, at: at(1.0)))
        window.end(at: at(0.4))  // the slow one
        window.end(at: at(1.0))
        // Counting from starts would let a fourth out at 1 s, beside a slow send that may have reached Meta at 0.39 s.
        started.append(window.start(rate: 2, at: at(1.2)))
        #expect(abs((window.wait(rate: 2, at: at(1.2)) ?? 0) - 0.2) < 1e-9)
        started.append(window.start(rate: 2, at: at(1.41)))
        #expect(started == [true, true, true, false, true])
    }

    @Test func answersArrivingOutOfOrderAreKeptOldestFirst() {
        var window = ThroughputWindow()
        for _ in 0..<4 { _ = window.start(rate: 4, at: at(0)) }
        for end in [0.3, 0.1, 0.4, 0.2] { window.end(at: at(end)) }
        #expect(window.answered == [0.1, 0.2, 0.3, 0.4].map(at))
        #expect(window.inFlight == 0)
        window.forget(before: at(1.25))
        #expect(window.answered == [0.3, 0.4].map(at))
        #expect(window.counted(at: at(1.25)) == 2)
    }

    @Test func aRateBelowOneStillLetsOneSendThrough() {
        var window = ThroughputWindow()
        let started = [window.start(rate: 0, at: at(0)), window.start(rate: 0, at: at(0))]
        #expect(started == [true, false])
    }

    /// Meta counts a send at an instant between its start and its answer; whichever instants those are, no second
    /// holds more than `rate`. Simulated with random request times (a send now and then held up for most of a
    /// second) and many senders, step by step on a millisecond clock, as the limiter drives the window.
    @Test(arguments: [1, 3, 10, 80])
    func noSecondAsMetaCountsItHoldsMoreThanTheRate(rate: Int) {
        var generator = SplitMix64(seed: UInt64(rate) * 7919)
        var window = ThroughputWindow()
        var sends: [SendSpan] = []
        var running: [(end: Double, index: Int)] = []
        let senders = rate * 3
        var waitingSenders = senders
        for step in 0..<8_000 {
            let now = Double(step) / 1000
            for finished in running.filter({ $0.end <= now }) { window.end(at: at(finished.end)) }
            running.removeAll { $0.end <= now }
            while waitingSenders > 0, window.start(rate: rate, at: at(now)) {
                let slow = Double.random(in: 0..<1, using: &generator) < 0.1
                let duration = slow ? Double.random(in: 0.2..<0.9, using: &generator) : Double.random(in: 0..<0.02, using: &generator)
                sends.append(SendSpan(start: now, end: now + duration))
                running.append((now + duration, sends.count - 1))
                waitingSenders -= 1
            }
            // A sender whose send was answered sends again.
            waitingSenders = senders - running.count
        }
        let busiest = sends.busiestSecond
        #expect(busiest <= rate, "\(busiest) sends could reach Meta within one second")
        // And the budget is used: over 8 s, most of `rate` a second went out despite the slow sends.
        #expect(Double(sends.count) >= Double(rate) * 8 * 0.6, "\(sends.count) sends in 8 s at \(rate)/s")
    }

    @Test func quickAnswersLetTheFullRateOutEachSecond() {
        var window = ThroughputWindow()
        var started = 0
        for step in 0..<10_000 {
            let now = at(Double(step) / 1000)
            while window.start(rate: 5, at: now) {
                window.end(at: now)
                started += 1
            }
        }
        #expect(started == 50, "5 a second for 10 s")
    }
}
