import NIOConcurrencyHelpers

/// Runs a job again and again in the background: at once while it finds work, otherwise after an idle wait
/// that `wake()` cuts short (new work was queued).
final class BackgroundLoop: Sendable {
    private let idleSeconds: Double
    private let signal = NIOLockedValueBox<CheckedContinuation<Void, Never>?>(nil)
    private let task = NIOLockedValueBox<Task<Void, Never>?>(nil)

    init(idleSeconds: Double) { self.idleSeconds = idleSeconds }

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

    func stop() {
        task.withLockedValue { $0?.cancel(); $0 = nil }
        wake()
    }

    func wake() {
        signal.withLockedValue { continuation in
            continuation?.resume()
            continuation = nil
        }
    }

    private func idle() async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { [idleSeconds] in try? await Task.sleep(for: .milliseconds(Int64(idleSeconds * 1000))) }
            group.addTask { [signal] in
                await withCheckedContinuation { continuation in
                    signal.withLockedValue { stored in
                        stored?.resume()
                        stored = continuation
                    }
                }
            }
            await group.next()
            group.cancelAll()
            wake()
        }
    }
}
