/// Lets one write transaction at a time through on SQLite. SQLite has a single writer anyway, and a read
/// transaction that later wants to write can fail with SQLITE_BUSY when another connection committed first;
/// queueing writers here avoids that. On PostgreSQL the gate is open and transactions run side by side.
actor WriteGate {
    private let enabled: Bool
    private var busy = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    init(enabled: Bool) { self.enabled = enabled }

    nonisolated func run<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        guard enabled else { return try await body() }
        await acquire()
        do {
            let result = try await body()
            await release()
            return result
        } catch {
            await release()
            throw error
        }
    }

    private func acquire() async {
        if !busy {
            busy = true
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    private func release() {
        if waiters.isEmpty {
            busy = false
        } else {
            waiters.removeFirst().resume()
        }
    }
}
