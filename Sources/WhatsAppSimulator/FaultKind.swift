/// Failures the control API can inject into the next Graph API calls.
public enum FaultKind: String, Sendable, Codable, CaseIterable {
    /// HTTP 500 with Meta's generic error.
    case serverError = "server_error"
    /// No answer in time.
    case timeout
    /// HTTP 429 with 130429.
    case throttle
}
