import Foundation
import Logging
@testable import ParleyServer
import Testing

/// Configuration from the environment and from `parley serve` flags: every value is read, flags win, and a value
/// that does not parse stops Parley with a message naming it instead of being ignored or replaced by a default.
@Suite("Settings")
struct SettingsTests {
    static let publicDirectory = NSTemporaryDirectory()

    /// A valid value for every setting, none of them the default.
    static let environment: [String: String] = [
        "PARLEY_DATABASE_URL": "postgres://parley:secret@db.internal:5432/parley",
        "PARLEY_DATA_DIR": "/var/lib/parley",
        "PARLEY_HOST": "0.0.0.0",
        "PARLEY_PORT": "9000",
        "PARLEY_WHATSAPP_GRAPH_URL": "http://127.0.0.1:8090/v21.0",
        "PARLEY_ADMIN_EMAIL": "root@example.com",
        "PARLEY_ADMIN_PASSWORD": "a-long-password",
        "PARLEY_BCRYPT_COST": "10",
        "PARLEY_LOG_LEVEL": "debug",
        "PARLEY_PUBLIC_DIR": publicDirectory,
        "PARLEY_WHATSAPP_RATE_LIMIT": "12.5",
        "PARLEY_AUTOMATION_INTERVAL": "60",
        "PARLEY_METRICS_PUBLIC": "true",
    ]

    @Test func everySettingHasAVariableAndAFlagOfItsOwn() {
        #expect(Set(ParleySetting.allCases.map(\.environmentName)) == Set(Self.environment.keys))
        let flags = ParleySetting.allCases.map(\.flag)
        #expect(Set(flags).count == flags.count)
        #expect(flags.allSatisfy { $0.hasPrefix("--") })
    }

    @Test func defaultsWithAnEmptyEnvironment() throws {
        let settings = try ParleySettings.resolve(environment: [:])
        #expect(settings.databaseURL == nil && !settings.usesPostgres)
        #expect(settings.dataDirectory == "./parley-data")
        #expect(settings.hostname == "127.0.0.1")
        #expect(settings.port == 8080)
        #expect(settings.graphURL == "https://graph.facebook.com/v21.0")
        #expect(settings.adminEmail == nil && settings.adminPassword == nil)
        #expect(settings.bcryptCost == 12)
        #expect(settings.logLevel == .info)
        #expect(settings.publicDirectory == nil)
        #expect(settings.whatsappRatePerSecond == 80)
        #expect(settings.automationInterval == 3600)
        #expect(settings.metricsPublic == false)
    }

    @Test func everyVariableIsRead() throws {
        let settings = try ParleySettings.resolve(environment: Self.environment)
        #expect(settings.databaseURL == "postgres://parley:secret@db.internal:5432/parley" && settings.usesPostgres)
        #expect(settings.dataDirectory == "/var/lib/parley")
        #expect(settings.hostname == "0.0.0.0")
        #expect(settings.port == 9000)
        #expect(settings.graphURL == "http://127.0.0.1:8090/v21.0")
        #expect(settings.adminEmail == "root@example.com")
        #expect(settings.adminPassword == "a-long-password")
        #expect(settings.bcryptCost == 10)
        #expect(settings.logLevel == .debug)
        #expect(settings.publicDirectory == Self.publicDirectory)
        #expect(settings.whatsappRatePerSecond == 12.5)
        #expect(settings.automationInterval == 60)
        #expect(settings.metricsPublic == true)
    }

    @Test func flagsWinOverVariablesAndEmptyVariablesCountAsUnset() throws {
        let settings = try ParleySettings.resolve(
            environment: ["PARLEY_PORT": "9000", "PARLEY_LOG_LEVEL": "debug", "PARLEY_BCRYPT_COST": "",
                          "PARLEY_DATABASE_URL": "  "],
            flags: [.port: "9001", .bcryptCost: "5", .whatsappRateLimit: "3", .automationInterval: "0.5",
                    .publicDirectory: Self.publicDirectory])
        #expect(settings.port == 9001)
        #expect(settings.logLevel == .debug)
        #expect(settings.bcryptCost == 5)
        #expect(settings.databaseURL == nil)
        #expect(settings.whatsappRatePerSecond == 3)
        #expect(settings.automationInterval == 0.5)
        #expect(settings.publicDirectory == Self.publicDirectory)
    }

    static let refused: [(ParleySetting, String, String)] = [
        (.port, "80a", "not a port"), (.port, "0", "not a port"), (.port, "70000", "not a port"),
        (.logLevel, "loud", "not a log level; use one of trace, debug, info, notice, warning, error, critical"),
        (.databaseURL, "mysql://root:hunter2@db/parley", "mysql://… is not a PostgreSQL URL"),
        (.databaseURL, "sqlite:///tmp/parley.sqlite", "not a PostgreSQL URL"),
        (.databaseURL, "parley.sqlite", "not a PostgreSQL URL"),
        (.bcryptCost, "3", "not a bcrypt cost"), (.bcryptCost, "twelve", "not a bcrypt cost"),
        (.whatsappRateLimit, "0", "not a rate"), (.whatsappRateLimit, "fast", "not a rate"),
        (.automationInterval, "-5", "not an interval"), (.automationInterval, "hourly", "not an interval"),
        (.publicDirectory, "/no/such/folder", "not a directory"),
        (.graphURL, "graph.facebook.com", "not an http(s) URL"),
        (.adminEmail, "admin", "not an email address"),
        (.metricsPublic, "maybe", "not true or false"),
    ]

    @Test(arguments: refused)
    func badValuesAreRefusedNamingTheirSource(_ setting: ParleySetting, _ value: String, _ message: String) {
        for (environment, flags, source) in [
            ([setting.environmentName: value], [ParleySetting: String](), setting.environmentName),
            ([String: String](), [setting: value], setting.flag),
        ] {
            do {
                let settings = try ParleySettings.resolve(environment: environment, flags: flags)
                Issue.record("\(source)=\(value) was accepted: \(settings)")
            } catch {
                #expect(error.setting == setting)
                #expect(error.description.hasPrefix("\(source): "), "\(error)")
                #expect(error.description.contains(message), "\(error)")
                #expect(!error.description.contains("hunter2"), "a database password is never repeated")
            }
        }
    }

    @Test(arguments: [("1", true), ("yes", true), ("ON", true), ("false", false), ("0", false), ("no", false), ("off", false)])
    func metricsPublicTakesTheUsualSpellingsOfYesAndNo(_ value: String, _ expected: Bool) throws {
        #expect(try ParleySettings.resolve(environment: ["PARLEY_METRICS_PUBLIC": value]).metricsPublic == expected)
        #expect(try ParleySettings.resolve(environment: ["PARLEY_METRICS_PUBLIC": "true"], flags: [.metricsPublic: value])
            .metricsPublic == expected, "a flag wins over its variable")
    }

    @Test func theAdminPasswordIsNeverRepeated() {
        #expect(throws: SettingError.self) { try ParleySettings.resolve(flags: [.adminPassword: ""]) }
        do {
            _ = try ParleySettings.resolve(flags: [.adminPassword: ""])
        } catch {
            #expect(!error.description.contains("\"\""))
        }
    }
}
