import Foundation
import ParleyCore

/// At most `rate` sends per WhatsApp number in any second as Meta counts throughput (130429 beyond it). Each number
/// has a `ThroughputWindow`: a send counts from its start until a second after its answer, so that a send held up on
/// its way cannot share Meta's second with sends started after it.
actor RateLimiter {
    private var rate: Double
    private var windows: [Int: ThroughputWindow] = [:]
    /// Other instances' sends, on PostgreSQL.
    private let shared: SharedSendWindow?

    init(ratePerSecond: Double, shared: SharedSendWindow? = nil) {
        rate = max(1, ratePerSecond)
        self.shared = shared
    }

    func setRate(_ ratePerSecond: Double) { rate = max(1, ratePerSecond) }
    var ratePerSecond: Double { rate }

    /// Runs `body` (one request to Meta for number `key`) once the number may send, and counts it until a second
    /// after it returned or threw.
    nonisolated func send<T: Sendable>(for key: Int, _ body: @Sendable () async throws -> T) async throws -> T {
        let sharedSend = await start(key)
        do {
            let result = try await body()
            await end(key, sharedSend)
            return result
        } catch {
            await end(key, sharedSend)
            throw error
        }
    }

    /// Waits until number `key` may send and counts a send as started, here and (returning its id) across instances.
    /// Every start needs its `end` (`send` pairs them).
    private func start(_ key: Int) async -> Int64? {
        while true {
            let now = Date()
            // In place: a copy of the window would copy its second of answers at every send.
            if windows[key, default: ThroughputWindow()].start(rate: Int(rate), at: now) {
                return await startShared(key)
            }
            let wait = windows[key]?.wait(rate: Int(rate), at: now) ?? 0
            await Self.sleep(wait)
        }
    }

    /// The send started for `key` was answered (or failed) now.
    private func end(_ key: Int, _ sharedSend: Int64?) async {
        windows[key]?.end(at: Date())
        if let sharedSend, let shared { try? await shared.end(sharedSend) }
    }

    /// The number's sends across instances; when the database cannot be asked, this instance's limit still holds.
    private func startShared(_ key: Int) async -> Int64? {
        guard let shared else { return nil }
        while true {
            switch try? await shared.start(key, rate: Int(rate)) {
            case .started(let id): return id
            case .wait(let wait): await Self.sleep(wait)
            case nil: return nil
            }
        }
    }

    private static func sleep(_ seconds: TimeInterval) async {
        try? await Task.sleep(for: .microseconds(Int64(max(0.0005, seconds) * 1_000_000)))
    }
}
