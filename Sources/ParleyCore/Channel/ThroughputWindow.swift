import Foundation

/// One WhatsApp number's sends as Meta's throughput limit sees them: at most `rate` in any one second, counted when
/// a send reaches Meta (130429 beyond it).
///
/// Parley cannot know that moment, only that it lies between starting a request and reading its answer. Counting a
/// send from its start, as the limiter did, held only while requests took the same time on their way: a send held up
/// on a busy machine reached Meta in the same second as sends started a full window after it (20 of 800 refused in a
/// benchmark run with 96 agents replying at once). Here a send counts from its start until one second after its
/// answer, so the `rate + 1`-th send after any send starts only once that send's arrival is a second behind, however
/// long either took on the way. The price is one round trip per `rate` sends of each second.
///
/// Times are passed in so the rule is pure and testable; the server's `RateLimiter` keeps one per number.
public struct ThroughputWindow: Sendable, Equatable {
    public static let length: TimeInterval = 1

    /// Sends started and not answered yet.
    public private(set) var inFlight = 0
    /// When the answered sends still counted were answered, oldest first.
    public private(set) var answered: [Date] = []

    public init() {}

    /// Sends that count against a new one at `now`.
    public func counted(at now: Date) -> Int {
        inFlight + answered.count - firstCounted(at: now)
    }

    /// Nil when a send may start at `now`; else how long to wait before asking again. While every counted send is
    /// still in flight no wait can be known (the first answer starts its second), so it answers `poll`.
    public func wait(rate: Int, at now: Date, poll: TimeInterval = 0.01) -> TimeInterval? {
        let oldest = firstCounted(at: now)
        guard inFlight + answered.count - oldest >= max(1, rate) else { return nil }
        guard oldest < answered.count else { return poll }
        return Self.length - now.timeIntervalSince(answered[oldest])
    }

    /// The index of the oldest answer that still counts at `now` (`answered.count` when none does). Answers are kept
    /// oldest first, so after `forget` this is found at once.
    private func firstCounted(at now: Date) -> Int {
        answered.firstIndex { now.timeIntervalSince($0) < Self.length } ?? answered.count
    }

    /// Counts a send starting at `now` if one may; returns whether it did.
    public mutating func start(rate: Int, at now: Date) -> Bool {
        forget(before: now)
        guard wait(rate: rate, at: now) == nil else { return false }
        inFlight += 1
        return true
    }

    /// A started send was answered (or failed) at `now`: it counts for one more second.
    public mutating func end(at now: Date) {
        precondition(inFlight > 0, "a send ended that never started")
        inFlight -= 1
        // Answers come in any order across tasks; kept sorted so the oldest is first.
        let index = answered.lastIndex { $0 <= now }.map { $0 + 1 } ?? 0
        answered.insert(now, at: index)
    }

    /// Drops answers that no longer count.
    public mutating func forget(before now: Date) {
        answered.removeFirst(answered.prefix { now.timeIntervalSince($0) >= Self.length }.count)
    }
}
