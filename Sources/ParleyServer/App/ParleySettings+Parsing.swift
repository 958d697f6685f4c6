import Foundation
import Logging

extension ParleySettings {
    /// Defaults, then the environment, then flags (a flag wins over its variable). An empty variable counts as
    /// unset, as shells often export empty values; anything else must parse.
    public static func resolve(
        environment: [String: String] = ProcessInfo.processInfo.environment, flags: [ParleySetting: String] = [:]
    ) throws(SettingError) -> ParleySettings {
        var settings = ParleySettings()
        for setting in ParleySetting.allCases {
            guard let raw = environment[setting.environmentName]?.trimmingCharacters(in: .whitespaces), !raw.isEmpty
            else { continue }
            try settings.set(setting, raw, from: setting.environmentName)
        }
        for setting in ParleySetting.allCases {
            guard let raw = flags[setting] else { continue }
            try settings.set(setting, raw.trimmingCharacters(in: .whitespaces), from: setting.flag)
        }
        return settings
    }

    /// Parses one value; `source` (a variable or flag name) is quoted in the error.
    public mutating func set(_ setting: ParleySetting, _ raw: String, from source: String) throws(SettingError) {
        func refuse(_ problem: String) -> SettingError { SettingError(setting: setting, source: source, problem: problem) }
        let shown = setting.isSecret ? "the value" : "\"\(raw)\""
        switch setting {
        case .databaseURL:
            guard let scheme = raw.range(of: "://").map({ raw[..<$0.lowerBound].lowercased() }),
                ["postgres", "postgresql"].contains(scheme), URLComponents(string: raw)?.host?.isEmpty == false
            else {
                // Only the scheme is repeated: the rest of a database URL usually holds a password.
                let scheme = raw.range(of: "://").map { String(raw[..<$0.lowerBound]) + "://…" } ?? "the value"
                throw refuse("\(scheme) is not a PostgreSQL URL; give postgres://user:password@host:5432/database, "
                    + "or leave it unset to use SQLite in the data directory")
            }
            databaseURL = raw
        case .dataDirectory:
            guard !raw.isEmpty else { throw refuse("give a directory") }
            dataDirectory = raw
        case .hostname:
            guard !raw.isEmpty, !raw.contains(" ") else { throw refuse("\(shown) is not an address to listen on") }
            hostname = raw
        case .port:
            guard let value = Int(raw), (1...65535).contains(value) else {
                throw refuse("\(shown) is not a port; give a whole number from 1 to 65535")
            }
            port = value
        case .graphURL:
            guard raw.hasPrefix("http://") || raw.hasPrefix("https://"), URLComponents(string: raw)?.host?.isEmpty == false
            else { throw refuse("\(shown) is not an http(s) URL such as https://graph.facebook.com/v21.0") }
            graphURL = raw
        case .adminEmail:
            guard raw.contains("@"), !raw.contains(" ") else { throw refuse("\(shown) is not an email address") }
            adminEmail = raw
        case .adminPassword:
            // Checked for length where the admin is created (AdminBootstrap), which says so at start-up.
            guard !raw.isEmpty else { throw refuse("give a password") }
            adminPassword = raw
        case .bcryptCost:
            // Bcrypt's own bounds; below 10 is only sensible for tests.
            guard let value = Int(raw), (4...31).contains(value) else {
                throw refuse("\(shown) is not a bcrypt cost; give a whole number from 4 to 31 (default 12)")
            }
            bcryptCost = value
        case .logLevel:
            guard let level = Logger.Level(rawValue: raw.lowercased()) else {
                let levels = Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")
                throw refuse("\(shown) is not a log level; use one of \(levels)")
            }
            logLevel = level
        case .publicDirectory:
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: raw, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw refuse("\(shown) is not a directory (it should hold the agent interface's index.html)")
            }
            publicDirectory = raw
        case .whatsappRateLimit:
            guard let value = Double(raw), value.isFinite, value > 0 else {
                throw refuse("\(shown) is not a rate; give messages per second per number, above 0 (default 80)")
            }
            whatsappRatePerSecond = value
        case .automationInterval:
            guard let value = Double(raw), value.isFinite, value > 0 else {
                throw refuse("\(shown) is not an interval; give seconds between automation passes, above 0 (default 3600)")
            }
            automationInterval = value
        case .metricsPublic:
            switch raw.lowercased() {
            case "true", "1", "yes", "on": metricsPublic = true
            case "false", "0", "no", "off": metricsPublic = false
            default: throw refuse("\(shown) is not true or false")
            }
        }
    }
}
