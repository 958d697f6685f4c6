import Foundation

/// The table of one store's run, as Markdown (what BENCHMARKS.md holds).
public struct BenchReport: Sendable {
    public var store: String
    public var rows: [BenchRow] = []

    public func markdown() -> String {
        var lines = [
            "### \(store)", "",
            "| scenario | count | rate | p50 ms | p95 ms | p99 ms | errors | target | notes |",
            "|---|---:|---:|---:|---:|---:|---:|---|---|",
        ]
        for row in rows {
            let latency = row.latency.map { [format($0.p50), format($0.p95), format($0.p99)] } ?? ["", "", ""]
            let rate = row.perSecond > 0 ? "\(format(row.perSecond, digits: row.perSecond < 100 ? 1 : 0)) \(row.unit)" : row.unit
            lines.append("| \(row.scenario) | \(row.count) | \(rate) | \(latency.joined(separator: " | ")) | \(row.errors) | \(row.target) | \(row.note) |")
        }
        return lines.joined(separator: "\n")
    }

    func format(_ value: Double, digits: Int = 1) -> String {
        String(format: "%.\(digits)f", value)
    }
}
