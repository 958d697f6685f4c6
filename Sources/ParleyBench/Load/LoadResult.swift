import Foundation

/// What a load run saw, from the client's side. Latency is counted from when a request was due (paced runs), so a
/// server that falls behind shows it instead of slowing the client down.
public struct LoadResult: Codable, Sendable {
    public var sent: Int
    public var succeeded: Int
    public var statuses: [String: Int]
    public var transportErrors: Int
    public var seconds: Double
    public var latencyMilliseconds: Percentiles
    /// Webhooks only: the sum of `stored` in Parley's answers (messages Parley says it stored durably).
    public var storedMessages: Int
    /// Set by the benchmark, not the load generator: the processor time Parley used while the load ran.
    public var serverCPUSeconds: Double?

    public var throughput: Double { seconds > 0 ? Double(succeeded) / seconds : 0 }
    public var failed: Int { sent - succeeded }
}
