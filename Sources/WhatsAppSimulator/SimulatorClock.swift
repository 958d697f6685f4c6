import Foundation
import NIOConcurrencyHelpers

/// The simulator's notion of now: real time plus an offset that tests and the demo move forward, so the
/// 24-hour window can close without waiting a day.
public final class SimulatorClock: Sendable {
    private let offset = NIOLockedValueBox<TimeInterval>(0)

    public init() {}

    public var now: Date { Date().addingTimeInterval(offset.withLockedValue { $0 }) }
    public var offsetSeconds: TimeInterval { offset.withLockedValue { $0 } }

    public func advance(by seconds: TimeInterval) {
        offset.withLockedValue { $0 += seconds }
    }
}
