import NIOConcurrencyHelpers

/// A value read from the database once and kept until what it was read from is written (the active triggers,
/// the WhatsApp integrations): things every inbound message needs and an admin seldom changes, whose reading was
/// one of the few statements a message pays for. They change only through Parley's API, which drops what is kept
/// around each write. Only on SQLite: there a single Parley writes the file, while instances sharing PostgreSQL
/// would not hear of each other's edits.
final class KeptUntilWritten<Value: Sendable>: Sendable {
    private struct State {
        /// Bumped by every write, so that a read that started before the write cannot keep what it read.
        var generation = 0
        var value: Value?
    }

    let enabled: Bool
    private let state = NIOLockedValueBox(State())

    init(enabled: Bool) { self.enabled = enabled }

    /// What is kept, or what `load` reads (then kept).
    func value(load: () async throws -> Value) async throws -> Value {
        if let kept { return kept }
        return try await reload(load)
    }

    /// What is kept now, if anything.
    var kept: Value? { enabled ? state.withLockedValue { $0.value } : nil }

    /// Reads again (a caller that found the kept value lacking, such as a number Parley did not know yet) and keeps it.
    func reload(_ load: () async throws -> Value) async throws -> Value {
        guard enabled else { return try await load() }
        let generation = state.withLockedValue { $0.generation }
        let loaded = try await load()
        state.withLockedValue { if $0.generation == generation { $0.value = loaded } }
        return loaded
    }

    /// Whether a value is kept now.
    var isFilled: Bool { kept != nil }

    /// Runs a write to what the value is read from; what is kept is dropped before it (no read overlapping the
    /// write is kept) and after it (a read that began in between).
    func forgetting<T>(_ write: () async throws -> T) async throws -> T {
        forget()
        defer { forget() }
        return try await write()
    }

    private func forget() {
        state.withLockedValue {
            $0.generation += 1
            $0.value = nil
        }
    }
}
