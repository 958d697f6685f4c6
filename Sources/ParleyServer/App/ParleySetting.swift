/// One configuration value and the two names it is given under: an environment variable and a `parley serve`
/// flag. Both go through the same parser (`ParleySettings.set`), so a flag can never accept what the variable
/// refuses or the other way round.
public enum ParleySetting: String, CaseIterable, Sendable {
    case databaseURL = "PARLEY_DATABASE_URL"
    case dataDirectory = "PARLEY_DATA_DIR"
    case hostname = "PARLEY_HOST"
    case port = "PARLEY_PORT"
    case graphURL = "PARLEY_WHATSAPP_GRAPH_URL"
    case adminEmail = "PARLEY_ADMIN_EMAIL"
    case adminPassword = "PARLEY_ADMIN_PASSWORD"
    case bcryptCost = "PARLEY_BCRYPT_COST"
    case logLevel = "PARLEY_LOG_LEVEL"
    case publicDirectory = "PARLEY_PUBLIC_DIR"
    case whatsappRateLimit = "PARLEY_WHATSAPP_RATE_LIMIT"
    case automationInterval = "PARLEY_AUTOMATION_INTERVAL"
    case metricsPublic = "PARLEY_METRICS_PUBLIC"

    public var environmentName: String { rawValue }

    /// The `parley serve` option with the same meaning.
    public var flag: String {
        switch self {
        case .databaseURL: "--database-url"
        case .dataDirectory: "--data-dir"
        case .hostname: "--hostname"
        case .port: "--port"
        case .graphURL: "--graph-url"
        case .adminEmail: "--admin-email"
        case .adminPassword: "--admin-password"
        case .bcryptCost: "--bcrypt-cost"
        case .logLevel: "--log-level"
        case .publicDirectory: "--public-dir"
        case .whatsappRateLimit: "--whatsapp-rate-limit"
        case .automationInterval: "--automation-interval"
        case .metricsPublic: "--metrics-public"
        }
    }

    /// Secrets are never repeated in error messages.
    var isSecret: Bool { self == .adminPassword }
}
