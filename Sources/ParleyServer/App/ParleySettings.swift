import Foundation
import Logging

/// Everything Parley reads from its environment; each value is also a `parley serve` flag (`ParleySetting`).
public struct ParleySettings: Sendable {
    public var databaseURL: String?
    public var dataDirectory: String
    public var hostname: String
    public var port: Int
    public var graphURL: String
    public var adminEmail: String?
    public var adminPassword: String?
    public var bcryptCost: Int
    public var logLevel: Logger.Level
    /// Background workers (media downloads…) also run under the testing environment; unit tests usually
    /// drive them by hand instead.
    public var workersInTests = false
    /// Serve the agent interface from this folder instead of the bundled copy (for working on it).
    public var publicDirectory: String?
    /// Messages per second Parley sends per WhatsApp number (Meta's default throughput is 80).
    public var whatsappRatePerSecond: Double = 80
    /// Seconds between automation passes (Zendesk runs them hourly).
    public var automationInterval: TimeInterval = 3600
    /// Whether anyone may read `/metrics`; otherwise only a scraper on this machine or an admin (`MetricsAccess`).
    public var metricsPublic = false

    public init(
        databaseURL: String? = nil, dataDirectory: String = "./parley-data", hostname: String = "127.0.0.1",
        port: Int = 8080, graphURL: String = "https://graph.facebook.com/v21.0", adminEmail: String? = nil,
        adminPassword: String? = nil, bcryptCost: Int = 12, logLevel: Logger.Level = .info
    ) {
        self.databaseURL = databaseURL
        self.dataDirectory = dataDirectory
        self.hostname = hostname
        self.port = port
        self.graphURL = graphURL
        self.adminEmail = adminEmail
        self.adminPassword = adminPassword
        self.bcryptCost = bcryptCost
        self.logLevel = logLevel
    }

    /// The settings the environment gives, each checked (see `ParleySettings+Parsing.swift`).
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(SettingError) -> ParleySettings
    {
        try resolve(environment: environment)
    }

    /// The SQLite file used when no database URL is given.
    public var sqlitePath: String { (dataDirectory as NSString).appendingPathComponent("parley.sqlite") }
    public var attachmentsDirectory: String { (dataDirectory as NSString).appendingPathComponent("attachments") }
    public var usesPostgres: Bool {
        guard let url = databaseURL else { return false }
        return url.hasPrefix("postgres://") || url.hasPrefix("postgresql://")
    }
}
