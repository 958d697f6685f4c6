import Foundation
import ParleyCore

/// At most `rate` sends per WhatsApp number in any second as Meta counts throughput (130429 beyond it). Each number
/// has a `ThroughputWindow`: a send counts from its start until a second after its answer, so that a send held up on
/// its way cannot share Meta's second with sends started after it.
actor RateLimiter {
    private var rate: Double
    private var windows: [Int: ThroughputWindow] = [:]
    /// Other instances' sends, on PostgreSQL.
    private let shared: SharedRateSlots?

    init(ratePerSecond: Double, shared: SharedRateSlots? = nil) {
        rate = max(1, ratePerSecond)
        self.shared = shared
    }

    func setRate(_ ratePerSecond: Double) { rate = max(1, ratePerSecond) }
    var ratePerSecond: Double { rate }

    /// Runs `body` (one request to Meta for number `key`) once the number may send, and counts it until a second
    /// after it returned or threw.
    nonisolated func send<T: Sendable>(for key: Int, _ body: @Sendable () async throws -> T) async throws -> T {
        await start(key)
        do {
            let result = try await body()
            await end(key)
            return result
        } catch {
            await end(key)
            throw error
        }
    }

    /// Waits until number `key` may send and counts a send as started. Every start needs its `end` (`send` pairs them).
    private func start(_ key: Int) async {
        while true {
            let now = Date()
            // In place: a copy of the window would copy its second of answers at every send.
            if windows[key, default: ThroughputWindow()].start(rate: Int(rate), at: now) {
                await waitForSharedSlot(key)
                return
            }
            let wait = windows[key]?.wait(rate: Int(rate), at: now) ?? 0
            try? await Task.sleep(for: .microseconds(Int64(max(0.0005, wait) * 1_000_000)))
        }
    }

    /// The send started for `key` was answered (or failed) now.
    private func end(_ key: Int) {
        windows[key]?.end(at: Date())
    }

    /// The number's budget across instances; when the database cannot be asked, this instance's limit still holds.
    private func waitForSharedSlot(_ key: Int) async {
        guard let shared else { return }
        while true {
            guard let wait = try? await shared.take(key, rate: rate), wait > 0 else { return }
            try? await Task.sleep(for: .microseconds(Int64(max(0.0005, wait) * 1_000_000)))
        }
    }
}
