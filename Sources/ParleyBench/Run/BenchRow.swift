import Foundation

/// One line of the benchmark table.
public struct BenchRow: Sendable {
    public var scenario: String
    public var count: Int
    public var perSecond: Double
    public var unit: String
    public var latency: Percentiles?
    public var errors: Int
    public var target: String
    public var note: String

    init(_ scenario: String, count: Int, perSecond: Double, unit: String, latency: Percentiles? = nil, errors: Int = 0,
         target: String = "", note: String = "") {
        self.scenario = scenario
        self.count = count
        self.perSecond = perSecond
        self.unit = unit
        self.latency = latency
        self.errors = errors
        self.target = target
        self.note = note
    }

    init(_ scenario: String, load: LoadResult, unit: String, count: Int? = nil, target: String = "", note: String = "") {
        let count = count ?? load.succeeded
        self.init(scenario, count: count, perSecond: load.seconds > 0 ? Double(count) / load.seconds : 0, unit: unit,
                  latency: load.latencyMilliseconds, errors: load.failed, target: target, note: note)
    }
}
