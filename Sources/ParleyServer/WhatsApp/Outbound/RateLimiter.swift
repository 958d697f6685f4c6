import Foundation

/// At most `rate` sends per WhatsApp number in any one-second window, counted as Meta counts throughput (a
/// sliding second, 130429 beyond it). The window is a little longer than a second so network jitter between
/// Parley and Meta cannot squeeze one send too many into Meta's second.
actor RateLimiter {
    static let window: TimeInterval = 1.05

    private var rate: Double
    private var recent: [Int: [Date]] = [:]

    init(ratePerSecond: Double) { rate = max(1, ratePerSecond) }

    func setRate(_ ratePerSecond: Double) { rate = max(1, ratePerSecond) }
    var ratePerSecond: Double { rate }

    /// Waits until this number may send again, and counts the send.
    func acquire(_ key: Int) async {
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
                return
            }
            recent[key] = sends
            let wait = Self.window - now.timeIntervalSince(sends[0])
            try? await Task.sleep(for: .microseconds(Int64(max(0.0005, wait) * 1_000_000)))
        }
    }
}
