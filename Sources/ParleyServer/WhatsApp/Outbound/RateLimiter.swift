import Foundation

/// At most `rate` sends per WhatsApp number in any one-second window, counted as Meta counts throughput (a
/// sliding second, 130429 beyond it). The window is a little longer than a second so network jitter between
/// Parley and Meta cannot squeeze one send too many into Meta's second.
actor RateLimiter {
    static let window: TimeInterval = 1.05

    private var rate: Double
    private var recent: [Int: [Date]] = [:]
    /// Other instances' sends, on PostgreSQL.
    private let shared: SharedRateSlots?

    init(ratePerSecond: Double, shared: SharedRateSlots? = nil) {
        rate = max(1, ratePerSecond)
        self.shared = shared
    }

    func setRate(_ ratePerSecond: Double) { rate = max(1, ratePerSecond) }
    var ratePerSecond: Double { rate }

    /// Waits until this number may send again, and counts the send; returns when, by this limiter's clock, the
    /// send was let out.
    @discardableResult
    func acquire(_ key: Int) async -> Date {
        while true {
            let now = Date()
            var sends = recent[key, default: []]
            if let firstInside = sends.firstIndex(where: { now.timeIntervalSince($0) < Self.window }) {
                sends.removeFirst(firstInside)
            } else {
                sends.removeAll()
            }
            if sends.count < Int(rate) {
                sends.append(now)
                recent[key] = sends
                await waitForSharedSlot(key)
                return now
            }
            recent[key] = sends
            let wait = Self.window - now.timeIntervalSince(sends[0])
            try? await Task.sleep(for: .microseconds(Int64(max(0.0005, wait) * 1_000_000)))
        }
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
