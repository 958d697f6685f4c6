import Foundation
import NIOConcurrencyHelpers

/// Slows down password guessing: after `maxFailures` wrong passwords for one account (or from one address)
/// within the window, further attempts are refused until the window has passed, with a message saying when.
final class LoginThrottle: Sendable {
    static let maxFailures = 5
    static let window: TimeInterval = 15 * 60

    private let failures = NIOLockedValueBox<[String: [Date]]>([:])

    /// Seconds until the key may try again, or nil when it may try now.
    func lockedFor(_ keys: [String], now: Date) -> TimeInterval? {
        failures.withLockedValue { table in
            var longest: TimeInterval?
            for key in keys {
                let recent = (table[key] ?? []).filter { now.timeIntervalSince($0) < Self.window }
                table[key] = recent.isEmpty ? nil : recent
                if recent.count >= Self.maxFailures, let oldest = recent.first {
                    longest = max(longest ?? 0, Self.window - now.timeIntervalSince(oldest))
                }
            }
            return longest
        }
    }

    func recordFailure(_ keys: [String], now: Date) {
        failures.withLockedValue { table in for key in keys { table[key, default: []].append(now) } }
    }

    func recordSuccess(_ keys: [String]) {
        failures.withLockedValue { table in for key in keys { table[key] = nil } }
    }
}
