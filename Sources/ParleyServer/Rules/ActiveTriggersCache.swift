import NIOConcurrencyHelpers
import ParleyCore

/// The active triggers, read and parsed once and kept until a rule is saved or deleted: every ticket update runs
/// them, and reading them again was one of the few statements each inbound message pays for. Rules change only
/// through the rules API, which drops what is kept around each write. Only on SQLite: there a single Parley
/// writes the file, while instances sharing PostgreSQL would not hear of each other's edits.
final class ActiveTriggersCache: Sendable {
    private struct State {
        /// Bumped by every rule write, so that a read that started before the write cannot keep what it read.
        var generation = 0
        var triggers: [TriggerCycle.Trigger]?
    }

    let enabled: Bool
    private let state = NIOLockedValueBox(State())

    init(enabled: Bool) { self.enabled = enabled }

    func triggers(load: () async throws -> [TriggerCycle.Trigger]) async throws -> [TriggerCycle.Trigger] {
        guard enabled else { return try await load() }
        let (generation, kept) = state.withLockedValue { ($0.generation, $0.triggers) }
        if let kept { return kept }
        let loaded = try await load()
        state.withLockedValue { if $0.generation == generation { $0.triggers = loaded } }
        return loaded
    }

    /// Whether a list is kept now.
    var isFilled: Bool { state.withLockedValue { $0.triggers != nil } }

    /// Runs a write to the rules; what is kept is dropped before it (no read overlapping the write is kept) and
    /// after it (a read that began in between).
    func forgetting<T>(_ write: () async throws -> T) async throws -> T {
        forget()
        defer { forget() }
        return try await write()
    }

    private func forget() {
        state.withLockedValue {
            $0.generation += 1
            $0.triggers = nil
        }
    }
}
