import Foundation

/// The sizes of a benchmark run. `full` is what BENCHMARKS.md records; `quick` proves the command works in seconds.
public struct BenchSettings: Sendable {
    public enum Store: Sendable, Equatable {
        case sqlite
        /// A PostgreSQL URL the benchmark may create (and drop) a scratch database through.
        case postgres(String)

        public var name: String {
            switch self {
            case .sqlite: "SQLite"
            case .postgres: "PostgreSQL"
            }
        }
    }

    public var executable: String
    public var workDirectory: String
    public var stores: [Store] = [.sqlite]
    public var scenarios = Set(BenchScenario.allCases)
    public var concurrency = 64
    public var messages = 20_000
    public var users = 10_000
    public var pacedRate = 1_000.0
    public var pacedSeconds = 10.0
    public var batchBodies = 400
    public var messagesPerBatch = 50
    public var plainRequests = 40_000
    public var ceilingSeconds = 3.0
    public var replyTickets = 500
    public var replies = 5_000
    /// Agents (API clients) replying at once in the outbound scenario.
    public var apiClients = 32
    public var limiterRate = 80
    public var limiterReplies = 800
    public var seedTickets = 1_000_000
    public var commentsPerTicket = 10
    public var reads = 2_000
    public var readConcurrency = 8

    public init(executable: String, workDirectory: String) {
        self.executable = executable
        self.workDirectory = workDirectory
    }

    /// Tiny sizes: every scenario runs, in seconds, even on a debug build.
    public mutating func makeQuick() {
        concurrency = 8
        messages = 200
        users = 50
        pacedRate = 100
        pacedSeconds = 2
        batchBodies = 4
        messagesPerBatch = 10
        plainRequests = 500
        ceilingSeconds = 0.5
        replyTickets = 10
        replies = 40
        apiClients = 4
        limiterRate = 20
        limiterReplies = 40
        seedTickets = 300
        commentsPerTicket = 3
        reads = 60
        readConcurrency = 4
    }
}
