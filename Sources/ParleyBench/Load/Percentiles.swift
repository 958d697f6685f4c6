/// p50, p95, p99 and the maximum of a set of samples (nearest-rank).
public struct Percentiles: Codable, Sendable, Equatable {
    public var p50: Double
    public var p95: Double
    public var p99: Double
    public var max: Double

    public init(p50: Double = 0, p95: Double = 0, p99: Double = 0, max: Double = 0) {
        self.p50 = p50
        self.p95 = p95
        self.p99 = p99
        self.max = max
    }

    public init(samples: [Double]) {
        guard !samples.isEmpty else {
            self.init()
            return
        }
        let sorted = samples.sorted()
        func rank(_ p: Double) -> Double {
            let index = Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1
            return sorted[Swift.max(0, Swift.min(sorted.count - 1, index))]
        }
        self.init(p50: rank(50), p95: rank(95), p99: rank(99), max: sorted[sorted.count - 1])
    }
}
