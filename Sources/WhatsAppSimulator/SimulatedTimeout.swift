/// Thrown for an injected timeout: the HTTP layer holds the request past the caller's patience.
public struct SimulatedTimeout: Error, Sendable {
    public let seconds: Double
}
