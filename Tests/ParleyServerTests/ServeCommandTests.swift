import Foundation
@testable import ParleyServer
import Testing

/// `parley serve` itself: a flag for every setting, and bad values refused before anything starts.
@Suite("parley serve")
struct ServeCommandTests {
    @Test func helpListsAFlagAndTheVariableForEverySetting() async throws {
        let help = try await ParleyBinary.locate().run(["serve", "--help"])
        #expect(help.status == 0, "\(help.output)")
        for setting in ParleySetting.allCases {
            #expect(help.output.contains(setting.flag + " "), "no \(setting.flag) in serve --help")
            #expect(help.output.contains(setting.environmentName), "serve --help does not name \(setting.environmentName)")
        }
    }

    @Test(arguments: [
        (["--log-level", "loud"], [String: String](), "Error: --log-level: \"loud\" is not a log level"),
        ([String](), ["PARLEY_LOG_LEVEL": "verbose"], "Error: PARLEY_LOG_LEVEL: \"verbose\" is not a log level"),
        ([String](), ["PARLEY_PORT": "80a"], "Error: PARLEY_PORT: \"80a\" is not a port"),
        (["--port", "http"], [String: String](), "Error: --port: \"http\" is not a port"),
        ([String](), ["PARLEY_DATABASE_URL": "mysql://root:hunter2@db/parley"], "Error: PARLEY_DATABASE_URL: mysql://… is not a PostgreSQL URL"),
        (["--bcrypt-cost", "99"], [String: String](), "Error: --bcrypt-cost: \"99\" is not a bcrypt cost"),
        (["--whatsapp-rate-limit", "0"], [String: String](), "Error: --whatsapp-rate-limit: \"0\" is not a rate"),
        ([String](), ["PARLEY_AUTOMATION_INTERVAL": "hourly"], "Error: PARLEY_AUTOMATION_INTERVAL: \"hourly\" is not an interval"),
        (["--public-dir", "/no/such/folder"], [String: String](), "Error: --public-dir: \"/no/such/folder\" is not a directory"),
        ([String](), ["PARLEY_METRICS_PUBLIC": "maybe"], "Error: PARLEY_METRICS_PUBLIC: \"maybe\" is not true or false"),
    ])
    func badValuesStopServeWithAClearMessage(_ flags: [String], _ environment: [String: String], _ message: String) async throws {
        let dataDirectory = NSTemporaryDirectory() + "parley-serve-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dataDirectory) }
        var environment = environment
        environment["PARLEY_DATA_DIR"] = dataDirectory
        let outcome = try await ParleyBinary.locate().run(["serve", "--hostname", "127.0.0.1"] + flags, environment: environment)
        #expect(outcome.exited, "serve started instead of refusing \(flags) \(environment)")
        #expect(outcome.status != 0)
        #expect(outcome.output.contains(message), "\(outcome.output)")
        #expect(!outcome.output.contains("hunter2"))
        #expect(!FileManager.default.fileExists(atPath: dataDirectory + "/parley.sqlite"), "nothing was created")
    }

    @Test func aShortFirstAdminPasswordStopsServeWithAClearMessage() async throws {
        let dataDirectory = NSTemporaryDirectory() + "parley-serve-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dataDirectory) }
        let outcome = try await ParleyBinary.locate().run(["serve", "--hostname", "127.0.0.1", "--port", "1"], environment: [
            "PARLEY_DATA_DIR": dataDirectory, "PARLEY_ADMIN_EMAIL": "admin@example.com", "PARLEY_ADMIN_PASSWORD": "short",
            "PARLEY_BCRYPT_COST": "4",
        ])
        #expect(outcome.exited && outcome.status != 0, "\(outcome.output)")
        #expect(outcome.output.contains("Error: PARLEY_ADMIN_PASSWORD is too short"), "\(outcome.output)")
    }
}
