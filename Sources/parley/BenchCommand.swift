import ArgumentParser
import Foundation
import ParleyBench

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmark Parley on this machine and print a table per database.",
        discussion: """
            Starts the simulator and Parley (this binary; build it with -c release for real figures) on loopback, \
            measures the ceilings (a plain route, raw synced inserts), then inbound webhooks (unthrottled, paced, \
            batched), outbound replies, the rate limiter, and agent reads on seeded data, each through a separate \
            load-generator process. Example: swift run -c release parley bench --postgres-url postgres://…/postgres
            """)

    @Option(help: "Where runs keep their data and logs (a folder per run).") var workDirectory = "bench-runs"
    @Option(help: "Also run on PostgreSQL: a server URL through which a scratch database is created and dropped.")
    var postgresURL: String?
    @Flag(help: "Skip SQLite (with --postgres-url: PostgreSQL only).") var skipSqlite = false
    @Flag(help: "Tiny sizes: checks that every scenario runs, in seconds; the figures mean nothing.") var quick = false
    @Option(help: "Webhooks in the unthrottled inbound scenario.") var messages: Int?
    @Option(help: "Distinct end users writing.") var users: Int?
    @Option(help: "Messages per second in the paced inbound scenario.") var pacedRate: Double?
    @Option(help: "Tickets to seed for the reads scenario.") var seedTickets: Int?
    @Option(help: "Comments per seeded ticket.") var commentsPerTicket: Int?
    @Option(help: "Agent replies in the outbound scenario.") var replies: Int?
    @Option(help: "Agents (API clients) replying at once in the outbound scenario (default 32).") var apiClients: Int?
    @Option(help: "Requests in flight at once in the plain-route ceiling and the unthrottled inbound scenario (default 64; a quarter of it for bodies of 50).")
    var concurrency: Int?
    @Option(help: "Write the tables (Markdown) to this file as well.") var output: String?
    @Option(help: ArgumentHelp("Run only these scenarios (comma-separated: \(BenchScenario.allCases.map(\.rawValue).joined(separator: ", "))).",
                               valueName: "scenarios"))
    var only: String?

    func run() async throws {
        guard let executable = Bundle.main.executablePath else { throw ValidationError("cannot find this program's path") }
        var settings = BenchSettings(executable: executable, workDirectory: workDirectory)
        if quick { settings.makeQuick() }
        if let messages { settings.messages = messages }
        if let users { settings.users = users }
        if let pacedRate { settings.pacedRate = pacedRate }
        if let seedTickets { settings.seedTickets = seedTickets }
        if let commentsPerTicket { settings.commentsPerTicket = commentsPerTicket }
        if let replies { settings.replies = replies }
        if let apiClients {
            guard apiClients > 0 else { throw ValidationError("--api-clients must be at least 1") }
            settings.apiClients = apiClients
        }
        if let concurrency {
            guard concurrency > 0 else { throw ValidationError("--concurrency must be at least 1") }
            settings.concurrency = concurrency
        }
        if let only {
            var chosen = Set<BenchScenario>()
            for name in only.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
                guard let scenario = BenchScenario(rawValue: name) else {
                    throw ValidationError("unknown scenario \"\(name)\" in --only; choose from \(BenchScenario.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                chosen.insert(scenario)
            }
            settings.scenarios = chosen
        }
        settings.stores = (skipSqlite ? [] : [.sqlite]) + (postgresURL.map { [.postgres($0)] } ?? [])
        guard !settings.stores.isEmpty else { throw ValidationError("nothing to run: --skip-sqlite needs --postgres-url") }

        var tables = [BenchMachine.describe(executable: executable)]
        for store in settings.stores {
            let report = try await BenchRun.run(settings: settings, store: store) { line in
                FileHandle.standardError.write(Data((line + "\n").utf8))
            }
            let table = report.markdown()
            print("\n" + table + "\n")
            tables.append(table)
        }
        if let output {
            try (tables.joined(separator: "\n\n") + "\n").write(toFile: output, atomically: true, encoding: .utf8)
        }
    }
}
