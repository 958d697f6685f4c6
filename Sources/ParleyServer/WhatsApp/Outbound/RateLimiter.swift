import Foundation

/// Spaces sends evenly per WhatsApp number (1/rate seconds apart), so no one-second window ever holds more
/// than `rate` messages — Meta counts throughput that way and answers 130429 beyond it.
actor RateLimiter {
    private var rate: Double
    private var nextSlot: [Int: Date] = [:]

    init(ratePerSecond: Double) { rate = max(0.1, ratePerSecond) }

    func setRate(_ ratePerSecond: Double) { rate = max(0.1, ratePerSecond) }

    /// Waits for this number's next free slot.
    func acquire(_ key: Int) async {
        let now = Date()
        let slot = max(now, nextSlot[key] ?? now)
        nextSlot[key] = slot.addingTimeInterval(1 / rate)
        let wait = slot.timeIntervalSince(now)
        if wait > 0 { try? await Task.sleep(for: .microseconds(Int64(wait * 1_000_000))) }
    }
}
