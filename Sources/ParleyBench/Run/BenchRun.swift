import AsyncHTTPClient
import Foundation
import NIOHTTP1
import ParleyJSON
import ParleyServer

/// One store's benchmark: starts the simulator and Parley (the same binary, as child processes), measures the
/// ceilings, runs the scenarios through a separate load-generator process, and stops everything.
public final class BenchRun: @unchecked Sendable {
    static let phoneNumberID = "106540352242922"
    static let displayNumber = "15550001234"
    static let wabaID = "102290129340398"
    static let adminEmail = "bench@example.com"
    static let unlimited = 1_000_000

    let settings: BenchSettings
    let store: BenchSettings.Store
    let progress: @Sendable (String) -> Void
    let http = HTTPClient(eventLoopGroupProvider: .singleton)
    let directory: String
    let appSecret = "bench-secret-" + UUID().uuidString
    let accessToken = "bench-token-" + UUID().uuidString
    let adminPassword = "bench-" + UUID().uuidString
    var report: BenchReport
    var databaseURL: String?
    var parley: ChildProcess?
    var parleyURL = ""
    var simulator: ChildProcess?
    var simulatorURL = ""
    var api: BenchClient!
    var plainRoutePerSecond = 0.0
    var insertsPerSecond = 0.0
    var loads = 0
    /// Parley processes started so far; each restart writes a log of its own (`parley-2.log`, …), so the statements
    /// a scenario ran are still there to count after the next one restarted Parley.
    var parleyStarts = 0
    /// Tickets whose customers wrote through the simulator (their windows are open on both sides).
    var conversations: [Int] = []

    init(settings: BenchSettings, store: BenchSettings.Store, progress: @escaping @Sendable (String) -> Void) {
        self.settings = settings
        self.store = store
        self.progress = progress
        let stamp = ISO8601DateFormatter().string(from: Date()).replacingOccurrences(of: ":", with: "")
        directory = (settings.workDirectory as NSString).appendingPathComponent("\(store.name.lowercased())-\(stamp)")
        report = BenchReport(store: store.name)
    }

    /// Runs every scenario on `store`; the processes are stopped (and a scratch PostgreSQL database dropped) even
    /// when a scenario fails.
    public static func run(settings: BenchSettings, store: BenchSettings.Store,
                           progress: @escaping @Sendable (String) -> Void) async throws -> BenchReport {
        ChildRegistry.killChildrenOnInterrupt()
        let run = BenchRun(settings: settings, store: store, progress: progress)
        do {
            try await run.scenarios()
        } catch {
            await run.tearDown()
            throw error
        }
        await run.tearDown()
        return run.report
    }

    private func scenarios() async throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        if case .postgres(let url) = store { databaseURL = try await ScratchDatabase.create(serverURL: url) }
        try await startSimulator()
        try await startParley(rate: Self.unlimited)
        try await Task.sleep(for: .seconds(2))
        let idle = parley?.memory.current ?? 0
        let only = settings.scenarios
        if only.contains(.ceilings) { try await measureCeilings() }
        try await connect()
        if only.contains(.inbound) {
            try await inbound()
            let peak = parley?.memory.peak ?? 0
            report.rows.append(BenchRow("memory: idle RSS", count: 1, perSecond: 0, unit: String(format: "%.0f MB", idle),
                                        target: "≤ 150 MB"))
            report.rows.append(BenchRow("memory: peak RSS under inbound load", count: 1, perSecond: 0,
                                        unit: String(format: "%.0f MB", peak), target: "≤ 500 MB"))
        }
        if only.contains(.outbound) {
            try await outbound()
            try await limiter()
        }
        if only.contains(.reads) { try await reads() }
    }

    func tearDown() async {
        if let parley { await parley.stop() }
        if let simulator { await simulator.stop() }
        parley = nil
        simulator = nil
        if let databaseURL, case .postgres(let server) = store {
            try? await ScratchDatabase.drop(databaseURL, serverURL: server)
        }
        try? await http.shutdown()
    }

    // MARK: - Processes

    func environment(_ extra: [String: String] = [:]) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("PARLEY_") }
        environment.merge(extra) { $1 }
        return environment
    }

    func startSimulator() async throws {
        let port = FreePort.find()
        simulatorURL = "http://127.0.0.1:\(port)"
        simulator = try ChildProcess(
            executable: settings.executable,
            arguments: ["simulator", "--hostname", "127.0.0.1", "--port", "\(port)", "--app-secret", appSecret,
                        "--access-token", accessToken, "--phone-number-id", Self.phoneNumberID,
                        "--display-number", Self.displayNumber, "--waba-id", Self.wabaID, "--throughput", "\(Self.unlimited)"],
            environment: environment(["PARLEY_LOG_LEVEL": "warning"]), logPath: directory + "/simulator.log")
        let control = BenchClient(http: http, baseURL: simulatorURL)
        try await control.waitUntil("the simulator", timeout: 60) { try await control.call(.GET, "/_sim/stats"); return true }
    }

    func startParley(rate: Int) async throws {
        parleyStarts += 1
        let port = FreePort.find()
        parleyURL = "http://127.0.0.1:\(port)"
        var arguments = ["serve", "--hostname", "127.0.0.1", "--port", "\(port)", "--data-dir", directory + "/data",
                         "--graph-url", simulatorURL + "/v21.0"]
        if let databaseURL { arguments += ["--database-url", databaseURL] }
        parley = try ChildProcess(
            executable: settings.executable, arguments: arguments,
            environment: environment([
                "PARLEY_ADMIN_EMAIL": Self.adminEmail, "PARLEY_ADMIN_PASSWORD": adminPassword,
                "PARLEY_WHATSAPP_RATE_LIMIT": "\(rate)",
                // `trace` shows every SQL statement in its log, for counting what a scenario costs.
                "PARLEY_LOG_LEVEL": ProcessInfo.processInfo.environment["PARLEY_BENCH_SERVER_LOG_LEVEL"] ?? "notice",
            ]),
            logPath: directory + (parleyStarts == 1 ? "/parley.log" : "/parley-\(parleyStarts).log"))
        let probe = BenchClient(http: http, baseURL: parleyURL)
        do {
            try await probe.waitUntil("Parley to answer /healthz", timeout: 120) {
                try await probe.call(.GET, "/healthz")
                return true
            }
        } catch {
            throw BenchClient.Failure(description: "\(error); Parley's log ends:\n\(parley?.logTail() ?? "")")
        }
        if api != nil { api = BenchClient(http: http, baseURL: parleyURL, authorization: api.authorization) }
        try await BenchClient(http: http, baseURL: simulatorURL)
            .call(.PUT, "/_sim/delivery", json: ["webhook_url": .string(parleyURL + "/webhooks/whatsapp")])
    }

    /// Stops Parley once the simulator delivered what it queued for it (the last scenario's statuses), then starts it
    /// again: a webhook caught by the stop was retried with Meta's backoff (up to two minutes) and held back every
    /// webhook queued behind it, so the restarted Parley heard no statuses for that long.
    func restartParley(rate: Int) async throws {
        if let parley {
            let pending = try await control.call(.GET, "/_sim/deliveries/summary")["pending"]?.intValue ?? 0
            if pending > 0 {
                let started = Date()
                try await control.waitUntil("the simulator to deliver the webhooks it queued", timeout: 120) {
                    try await control.call(.GET, "/_sim/deliveries/summary")["pending"]?.intValue == 0
                }
                progress(String(format: "  waited %.1f s for the simulator's last %d webhooks before restarting Parley",
                                Date().timeIntervalSince(started), pending))
            }
            await parley.stop()
        }
        try await startParley(rate: rate)
    }

    /// Runs a plan in a separate load-generator process and reads its result.
    func load(_ plan: LoadPlan, _ what: String) async throws -> LoadResult {
        loads += 1
        let planPath = directory + "/load-\(loads).json"
        let resultPath = directory + "/load-\(loads)-result.json"
        try JSONEncoder().encode(plan).write(to: URL(fileURLWithPath: planPath))
        progress("  \(what): \(plan.count) requests, \(plan.concurrency) at a time"
                 + (plan.ratePerSecond.map { String(format: ", paced at %.0f/s", $0) } ?? ""))
        let cpuBefore = parley?.cpuSeconds
        let generator = try ChildProcess(
            executable: settings.executable, arguments: ["bench-load", "--plan", planPath, "--result", resultPath],
            environment: environment(), logPath: directory + "/load-\(loads).log")
        while generator.isRunning { try await Task.sleep(for: .milliseconds(50)) }
        guard generator.process.terminationStatus == 0,
              let data = FileManager.default.contents(atPath: resultPath) else {
            throw BenchClient.Failure(description: "the load generator failed: \(generator.logTail())")
        }
        var result = try JSONDecoder().decode(LoadResult.self, from: data)
        result.serverCPUSeconds = parleyCPU(since: cpuBefore)
        progress(String(format: "    %d ok of %d in %.1f s (%.0f/s), p99 %.1f ms", result.succeeded, result.sent,
                        result.seconds, result.throughput, result.latencyMilliseconds.p99)
                 + (result.serverCPUSeconds.map { String(format: ", Parley's CPU %.1f s", $0) } ?? ""))
        return result
    }

    /// The processor time Parley used since `before` (its `cpuSeconds` then), where both readings exist.
    func parleyCPU(since before: Double?) -> Double? {
        guard let before, let now = parley?.cpuSeconds else { return nil }
        return now - before
    }

    /// "Parley's CPU 1.25 ms a message": its own work per item, steadier than a rate on a machine whose speed
    /// swings (other processes' load changes the rate far more than the work each item costs).
    func cpuNote(_ seconds: Double?, per count: Int, item: String) -> String {
        guard let seconds, count > 0 else { return "" }
        return String(format: "Parley's CPU %.2f ms a %@", 1000 * seconds / Double(count), item)
    }

    /// A row's note from its parts, the empty ones left out.
    func note(_ parts: String...) -> String {
        parts.filter { !$0.isEmpty }.joined(separator: "; ")
    }

    // MARK: - Ceilings

    func measureCeilings() async throws {
        progress("[\(store.name)] ceilings")
        let plain = try await load(LoadPlan(
            baseURL: parleyURL, work: .requests([RequestTemplate(method: "GET", path: "/livez")]),
            count: settings.plainRequests, concurrency: settings.concurrency, timeLimitSeconds: 120), "plain route")
        plainRoutePerSecond = plain.throughput
        report.rows.append(BenchRow("ceiling: plain route (GET /livez, no database)", load: plain, unit: "req/s"))

        var parleySettings = ParleySettings()
        parleySettings.dataDirectory = directory + "/data"
        parleySettings.databaseURL = databaseURL
        let inserts = try await InsertCeiling.measure(settings: parleySettings, seconds: settings.ceilingSeconds)
        insertsPerSecond = inserts.perSecond
        progress(String(format: "  raw inserts: %d in %.1f s (%.0f/s)", inserts.inserts, inserts.seconds, inserts.perSecond))
        report.rows.append(BenchRow("ceiling: synced single-row insert transactions", count: inserts.inserts,
                                    perSecond: inserts.perSecond, unit: "inserts/s"))
    }

    /// "x% of the plain route, y% of raw inserts": how close a figure is to what the machine allows.
    func ratios(_ perSecond: Double) -> String {
        var parts: [String] = []
        if plainRoutePerSecond > 0 { parts.append(String(format: "%.0f%% of plain route", 100 * perSecond / plainRoutePerSecond)) }
        if insertsPerSecond > 0 { parts.append(String(format: "%.0f%% of raw inserts", 100 * perSecond / insertsPerSecond)) }
        return parts.joined(separator: ", ")
    }

    // MARK: - Set-up through the API

    func connect() async throws {
        let password = "Basic " + Data("\(Self.adminEmail):\(adminPassword)".utf8).base64EncodedString()
        let admin = BenchClient(http: http, baseURL: parleyURL, authorization: password)
        let token = try await admin.call(.POST, "/api/v2/api_tokens", json: ["api_token": ["description": "parley bench"]])
        guard let secret = token["api_token"]?["token"]?.stringValue else { throw BenchClient.Failure(description: "no API token") }
        api = BenchClient(http: http, baseURL: parleyURL,
                          authorization: "Basic " + Data("\(Self.adminEmail)/token:\(secret)".utf8).base64EncodedString())
        try await api.call(.POST, "/api/v2/channels/whatsapp/integrations", json: ["integration": [
            "name": "Benchmark number", "phone_number_id": .string(Self.phoneNumberID), "waba_id": .string(Self.wabaID),
            "display_number": .string(Self.displayNumber), "access_token": .string(accessToken),
            "app_secret": .string(appSecret), "verify_token": "bench", "mark_read": false,
        ]])
    }
}
