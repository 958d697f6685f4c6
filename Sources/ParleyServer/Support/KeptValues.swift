import NIOConcurrencyHelpers

/// Values worked out once and kept for the life of the process (what a model type's keys or statements are), shared
/// by every thread. Two threads asking at once may both work a value out; they get the same one, so either is kept.
final class KeptValues<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private let values = NIOLockedValueBox<[Key: Value]>([:])

    init() {}

    /// The value kept for `key`, made by `make` (outside the lock) the first time.
    func value(for key: Key, orMake make: () -> Value) -> Value {
        if let known = values.withLockedValue({ $0[key] }) { return known }
        let made = make()
        values.withLockedValue { $0[key] = made }
        return made
    }
}
