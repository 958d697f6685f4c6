import Fluent
import Foundation
@testable import ParleyServer
import ParleyTestSupport
import SQLKit
import Testing

/// Meta's limit is the number's: instances on one database share it, through the real table, on a simulated clock.
@Suite("Per-number limit shared by instances")
struct SharedRateLimitTests {
    private static let t0 = Date(timeIntervalSince1970: 2_000_000_000.03)
    private static func at(_ seconds: Double) -> Date { t0.addingTimeInterval(seconds) }

    private static func started(_ start: SharedSendWindow.Start?) throws -> Int64 {
        guard case .started(let id) = start else { throw Unexpected(start: start) }
        return id
    }

    private static func waited(_ start: SharedSendWindow.Start?) throws -> TimeInterval {
        guard case .wait(let wait) = start else { throw Unexpected(start: start) }
        return wait
    }

    struct Unexpected: Error { let start: SharedSendWindow.Start? }

    private static func withWindow(_ body: (SharedSendWindow, any Database) async throws -> Void) async throws {
        try await TestApp.with { parley in
            let database = parley.app.db
            try await body(SharedSendWindow { database }, database)
        }
    }

    /// Two instances, each with more senders than the rate and requests of random lengths (one in ten held up for
    /// most of a second), ask every 5 ms: whichever instant of its span Meta counts each send at, no second holds
    /// more than the rate, and most of the rate is used.
    @Test(arguments: [20, 80])
    func twoInstancesNeverLetMetaCountMoreThanTheRateInASecond(rate: Int) async throws {
        try await Self.withWindow { window, _ in
            var generator = SplitMix64(seed: UInt64(rate) * 104_729)
            var spans: [SendSpan] = []
            var running: [[(id: Int64, start: Double, end: Double)]] = [[], []]
            let sendersEach = rate * 2
            for step in 0..<600 {
                let now = Double(step) * 0.005
                for instance in 0..<2 {
                    for send in running[instance] where send.end <= now {
                        try await window.end(send.id, now: Self.at(send.end))
                        spans.append(SendSpan(start: send.start, end: send.end))
                    }
                    running[instance].removeAll { $0.end <= now }
                    while running[instance].count < sendersEach,
                          case .started(let id) = try await window.start(7, rate: rate, now: Self.at(now)) {
                        let slow = Double.random(in: 0..<1, using: &generator) < 0.1
                        let length = slow ? Double.random(in: 0.2..<0.9, using: &generator) : Double.random(in: 0..<0.02, using: &generator)
                        running[instance].append((id, now, now + length))
                    }
                }
            }
            spans += running.joined().map { SendSpan(start: $0.start, end: $0.end) }
            #expect(spans.busiestSecond <= rate, "\(spans.busiestSecond) sends could reach Meta within one second")
            #expect(Double(spans.count) >= Double(rate) * 3 * 0.6, "\(spans.count) sends in 3 s at \(rate)/s")
        }
    }

    /// A send held up on one instance keeps its place until a second after its answer, whatever the other does.
    @Test func aSlowSendHoldsItsPlaceForASecondAfterItsAnswer() async throws {
        try await Self.withWindow { window, _ in
            let slow = try Self.started(try await window.start(7, rate: 2, now: Self.at(0)))
            let quick = try Self.started(try await window.start(7, rate: 2, now: Self.at(0.01)))
            try await window.end(quick, now: Self.at(0.02))
            // Both count: the quick one until 1.02, the slow one (still in flight) until a second after its answer.
            let wait = try Self.waited(try await window.start(7, rate: 2, now: Self.at(0.03)))
            #expect(abs(wait - 0.99) < 1e-6, "free when the quick answer is a second old")
            try await window.end(slow, now: Self.at(0.5))
            _ = try Self.started(try await window.start(7, rate: 2, now: Self.at(1.03)))
            let next = try Self.waited(try await window.start(7, rate: 2, now: Self.at(1.04)))
            #expect(abs(next - 0.46) < 1e-6, "the slow send counts until 1.5")
            _ = try Self.started(try await window.start(7, rate: 2, now: Self.at(1.51)))
            _ = try Self.started(try await window.start(8, rate: 2, now: Self.at(1.51)))
        }
    }

    /// While every counted send is still in flight no time can be known; an instance that stopped mid-request does
    /// not hold the number's budget for ever.
    @Test func aSendNeverAnsweredStopsCountingAfterItsRequestCouldHaveLasted() async throws {
        try await Self.withWindow { window, _ in
            _ = try Self.started(try await window.start(7, rate: 1, now: Self.at(0)))
            #expect(try Self.waited(try await window.start(7, rate: 1, now: Self.at(30), poll: 0.02)) == 0.02)
            _ = try Self.started(try await window.start(7, rate: 1, now: Self.at(SharedSendWindow.abandonedAfter + 0.01)))
        }
    }

    /// Rows that no longer count are cleared as sends go on, so counting stays in proportion to the rate.
    @Test func rowsThatNoLongerCountAreCleared() async throws {
        try await Self.withWindow { window, database in
            for step in 0..<400 {
                let now = Double(step) * 0.05
                if case .started(let id) = try await window.start(7, rate: 5, now: Self.at(now)) {
                    try await window.end(id, now: Self.at(now))
                }
            }
            let sql = try #require(database as? SQLDatabase)
            let rows = try await sql.raw("SELECT count(*) AS n FROM \(ident: SharedSendWindow.table)").first()?.decode(column: "n", as: Int.self)
            let sent = try await sql.raw("SELECT max(id) AS n FROM \(ident: SharedSendWindow.table)").first()?.decode(column: "n", as: Int.self)
            #expect((sent ?? 0) >= 90, "5 a second over 20 s")
            #expect((rows ?? .max) <= 5 + Int(SharedSendWindow.clearEvery), "\(rows ?? -1) rows kept")
        }
    }

    /// The same through two real limiters: together they take as long as one number allows (a lower bound on
    /// time, which scheduling delays can only lengthen).
    @Test func twoLimitersTogetherWaitForOneNumbersBudget() async throws {
        try await Self.withWindow { window, _ in
            let instances = [RateLimiter(ratePerSecond: 20, shared: window), RateLimiter(ratePerSecond: 20, shared: window)]
            let started = Date()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for limiter in instances {
                    group.addTask { for _ in 0..<24 { try await limiter.send(for: 7) {} } }
                }
                try await group.waitForAll()
            }
            // Unshared, each would send its 24 within about 1 s; sharing 20 a second, 48 need over 2 s.
            #expect(Date().timeIntervalSince(started) >= 2.0)
        }
    }
}
