import Foundation
import NIOConcurrencyHelpers

/// The one source of "now" for everything time-dependent, so tests and the simulator can move time.
public final class ParleyClock: Sendable {
    private let offset = NIOLockedValueBox<TimeInterval>(0)
    private let fixed = NIOLockedValueBox<Date?>(nil)
    private let source: @Sendable () -> Date

    /// `source` lets Parley share another clock (the simulator's, in tests and the demo).
    public init(source: @escaping @Sendable () -> Date = { Date() }) {
        self.source = source
    }

    public var now: Date {
        if let fixed = fixed.withLockedValue({ $0 }) { return fixed }
        return source().addingTimeInterval(offset.withLockedValue { $0 })
    }

    /// Moves time forward (tests, demo).
    public func advance(by seconds: TimeInterval) { offset.withLockedValue { $0 += seconds } }
    public func freeze(at date: Date?) { fixed.withLockedValue { $0 = date } }
}
