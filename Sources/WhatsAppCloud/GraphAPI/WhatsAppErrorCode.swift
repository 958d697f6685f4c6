/// What Parley does with each WhatsApp error code (reference: the Cloud API's error code table).
public enum WhatsAppErrorCode {
    public static let reEngagement = 131047
    public static let legacyReEngagement = 470
    public static let undeliverable = 131026
    public static let unsupportedType = 131051
    public static let throughput = 130429
    public static let pairRateLimit = 131056
    public static let templateMissing = 132001
    public static let invalidParameter = 100
    public static let tokenInvalid = 190
    public static let bsuidNotSupported = 131062

    /// Back off and try again.
    public static func isTransient(_ code: Int) -> Bool {
        [throughput, pairRateLimit, 131000, 131016, 131057, 4, 80007, 2].contains(code)
    }

    /// The 24-hour window had closed; only a template can reach the user now.
    public static func isWindowClosed(_ code: Int) -> Bool { code == reEngagement || code == legacyReEngagement }

    /// The integration itself is broken (token, permissions, policy block): show it to admins as unhealthy.
    public static func makesIntegrationUnhealthy(_ code: Int) -> Bool {
        code == 0 || code == tokenInvalid || code == 10 || code == 368 || (200...299).contains(code)
    }
}
