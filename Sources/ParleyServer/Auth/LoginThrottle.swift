import Foundation
import NIOConcurrencyHelpers

/// Slows down password guessing: after `maxFailures` wrong passwords for one account from one address within
/// the window, that address's attempts on the account are refused until the window has passed, with a message
/// saying when; an address that fails on many accounts is refused altogether. Keying the account lock by
/// address too means a stranger cannot lock an agent out by guessing at their email.
final class LoginThrottle: Sendable {
    static let maxFailures = 5
    /// Failures one address may make across accounts (a shared office network signs in many people).
    static let maxFailuresPerAddress = 50
    static let window: TimeInterval = 15 * 60

    struct Key: Hashable, Sendable {
        let name: String
        let limit: Int
    }

    /// The counters a sign-in attempt of `email` from `address` counts against.
    static func keys(email: String, address: String) -> [Key] {
        [Key(name: "account:\(email.lowercased())|\(address)", limit: maxFailures),
         Key(name: "address:\(address)", limit: maxFailuresPerAddress)]
    }

    private let failures = NIOLockedValueBox<[String: [Date]]>([:])

    /// Seconds until the keys may try again, or nil when they may try now.
    func lockedFor(_ keys: [Key], now: Date) -> TimeInterval? {
        failures.withLockedValue { table in
            var longest: TimeInterval?
            for key in keys {
                let recent = (table[key.name] ?? []).filter { now.timeIntervalSince($0) < Self.window }
                table[key.name] = recent.isEmpty ? nil : recent
                if recent.count >= key.limit, let oldest = recent.first {
                    longest = max(longest ?? 0, Self.window - now.timeIntervalSince(oldest))
                }
            }
            return longest
        }
    }

    func recordFailure(_ keys: [Key], now: Date) {
        failures.withLockedValue { table in for key in keys { table[key.name, default: []].append(now) } }
    }

    /// A right password clears its account's count; the address keeps its own (one good account must not
    /// reset a guesser's budget on the others).
    func recordSuccess(_ keys: [Key]) {
        failures.withLockedValue { table in for key in keys where key.limit == Self.maxFailures { table[key.name] = nil } }
    }
}
