import NIOConcurrencyHelpers

/// Runs a job again and again in the background: at once while it finds work, otherwise after an idle wait
/// that `wake()` cuts short (new work was queued).
final class BackgroundLoop: Sendable {
    private struct Signal {
        var pendingWake = false
        var waiter: (generation: Int, continuation: CheckedContinuation<Void, Never>)?
        var lastGeneration = 0
        /// Idle waits up to this generation are over (timed out or cancelled).
        var released = 0
    }

    private let idleSeconds: Double
    private let signal = NIOLockedValueBox(Signal())
    private let task = NIOLockedValueBox<Task<Void, Never>?>(nil)

    init(idleSeconds: Double) {
        self.idleSeconds = idleSeconds
    }

    /// `pass` returns how much it did; 0 means "nothing to do, wait".
    func start(prepare: @escaping @Sendable () async -> Void = {}, pass: @escaping @Sendable () async -> Int) {
        task.withLockedValue { running in
            guard running == nil else { return }
            running = Task { [self] in
                await prepare()
                while !Task.isCancelled {
                    if await pass() == 0 { await idle() }
                }
            }
        }
    }

    /// Cancels the loop and waits for the pass in progress to end, so nothing touches the database or the HTTP
    /// client after the application has shut them down.
    func stop() async {
        let running = task.withLockedValue { running in
            defer { running = nil }
            return running
        }
        running?.cancel()
        wake()
        await running?.value
    }

    /// Ends the current idle wait, or the next one if the loop is busy (one pending wake-up is enough: the next
    /// pass sees all the work anyway).
    func wake() {
        let waiter = signal.withLockedValue { state -> CheckedContinuation<Void, Never>? in
            guard let waiter = state.waiter else {
                state.pendingWake = true
                return nil
            }
            state.waiter = nil
            return waiter.continuation
        }
        waiter?.resume()
    }

    /// Sleeps until woken, the idle time is over, or the task is cancelled. (An earlier version waited on an
    /// AsyncStream from a child task; cancelling that child finished the stream for good, and from then on every
    /// idle wait returned at once: the workers polled the database in a tight loop.)
    private func idle() async {
        let generation: Int? = signal.withLockedValue { state in
            if state.pendingWake {
                state.pendingWake = false
                return nil
            }
            state.lastGeneration += 1
            return state.lastGeneration
        }
        guard let generation else { return }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { [self, idleSeconds] in
                try? await Task.sleep(for: .milliseconds(Int64(idleSeconds * 1000)))
                release(generation)
            }
            await withTaskCancellationHandler {
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let now = signal.withLockedValue { state -> Bool in
                        if state.pendingWake {
                            state.pendingWake = false
                            return true
                        }
                        if state.released >= generation { return true }
                        state.waiter = (generation, continuation)
                        return false
                    }
                    if now { continuation.resume() }
                }
            } onCancel: { [self] in
                release(generation)
            }
            group.cancelAll()
        }
    }

    private func release(_ generation: Int) {
        let waiter = signal.withLockedValue { state -> CheckedContinuation<Void, Never>? in
            state.released = max(state.released, generation)
            guard let waiter = state.waiter, waiter.generation <= state.released else { return nil }
            state.waiter = nil
            return waiter.continuation
        }
        waiter?.resume()
    }
}
