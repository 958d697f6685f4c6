import NIOConcurrencyHelpers

/// Runs a job again and again in the background: at once while it finds work, otherwise after an idle wait
/// that `wake()` cuts short (new work was queued).
final class BackgroundLoop: Sendable {
    private let idleSeconds: Double
    private let wakeups: AsyncStream<Void>
    private let wakeup: AsyncStream<Void>.Continuation
    private let task = NIOLockedValueBox<Task<Void, Never>?>(nil)

    init(idleSeconds: Double) {
        self.idleSeconds = idleSeconds
        // Wake-ups beyond one pending are redundant: the next pass sees all the work anyway.
        (wakeups, wakeup) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
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

    func wake() { wakeup.yield() }

    /// Sleeps until woken or the idle time is over; both sides end when the other does (or on cancellation).
    private func idle() async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { [idleSeconds] in try? await Task.sleep(for: .milliseconds(Int64(idleSeconds * 1000))) }
            group.addTask { [wakeups] in
                var iterator = wakeups.makeAsyncIterator()
                _ = await iterator.next()
            }
            await group.next()
            group.cancelAll()
        }
    }
}
