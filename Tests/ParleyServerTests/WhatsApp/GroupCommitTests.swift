import Fluent
import Foundation
import ParleyCore
@testable import ParleyServer
import SQLKit
import Testing
import Vapor

@Suite("Group commit of webhooks")
struct GroupCommitTests {
    /// One text message from `user`, as WhatsApp sends it.
    static func webhook(user: Int, wamid: String) -> Data {
        let phone = "49151\(String(format: "%07d", user))"
        let body: JSONValue = ["object": "whatsapp_business_account", "entry": [[
            "id": .string(ChannelHarness.wabaID),
            "changes": [["field": "messages", "value": [
                "messaging_product": "whatsapp",
                "metadata": ["display_phone_number": "15550001234", "phone_number_id": .string(ChannelHarness.phoneID)],
                "contacts": [["profile": ["name": .string("User \(user)")], "wa_id": .string(phone), "user_id": .string("US.\(user)")]],
                "messages": [["from": .string(phone), "from_user_id": .string("US.\(user)"), "id": .string(wamid),
                              "timestamp": .string("\(Int(Date().timeIntervalSince1970))"), "type": "text",
                              "text": ["body": .string("message \(wamid) from user \(user)")]]],
            ]]],
        ]]]
        return Data(body.encodedString().utf8)
    }

    @Test func concurrentWebhooksShareTransactionsAndEachIsStoredOnce() async throws {
        try await ChannelHarness.with { h in
            let users = 30
            // Every webhook twice (Meta redelivers), all at once.
            let bodies = (0..<users).flatMap { user in
                [Self.webhook(user: user, wamid: "wamid.group.\(user)"), Self.webhook(user: user, wamid: "wamid.group.\(user)")]
            }
            let statuses = try await withThrowingTaskGroup(of: (UInt, JSONValue).self) { group in
                for body in bodies { group.addTask { let reply = try await h.post(body); return (reply.status.code, reply.json) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.allSatisfy { $0.0 == 200 }, "\(statuses.filter { $0.0 != 200 })")
            #expect(statuses.map { $0.1["stored"]?.intValue ?? 0 }.reduce(0, +) == users)
            #expect(statuses.map { $0.1["duplicates"]?.intValue ?? 0 }.reduce(0, +) == users)

            let db = h.parley.app.db
            #expect(try await TicketModel.query(on: db).count() == users)
            let comments = try await CommentModel.query(on: db).sort(\.$id).all()
            #expect(comments.count == users, "\(comments.map { ($0.id ?? 0, $0.ticketID, $0.authorID ?? 0, $0.viaChannel, $0.body.prefix(40)) })")
            #expect(try await InboundMessageModel.query(on: db).count() == users)
            let commits = h.parley.app.parley.inboundCommits
            if TestDatabase.postgresServer == nil {
                // Sixty webhooks at once cannot each have waited for the one before: some shared a commit.
                #expect(await commits.jobs == 2 * users)
                #expect(await commits.batches < commits.jobs)
            } else {
                #expect(await commits.batches == 0, "PostgreSQL groups commits by itself")
            }
        }
    }

    /// A job that fails in a batch takes the batch down with it; the others run again alone and are kept once.
    @Test func aFailingJobFailsAloneAndTheOthersAreKeptOnce() async throws {
        try await TestApp.with { t in
            let db = t.app.db
            guard let sql = db as? SQLDatabase else { Issue.record("not SQL"); return }
            try await sql.raw("CREATE TABLE group_commit_probe (job INTEGER NOT NULL)").run()
            let commits = GroupCommit<Int>(enabled: true, gate: t.app.parley.writeGate, database: { t.app.db })
            struct Refused: Error {}
            let failing = 7
            let results = await withTaskGroup(of: (Int, Bool).self) { group in
                // The first job holds its batch open until the others are waiting, so they form the next one.
                group.addTask {
                    let ok = (try? await commits.run { db in
                        try await (db as! SQLDatabase).raw("INSERT INTO group_commit_probe (job) VALUES (0)").run()
                        for _ in 0..<500 where await commits.queued < 12 { try await Task.sleep(for: .milliseconds(10)) }
                        return 0
                    }) != nil
                    return (0, ok)
                }
                for job in 1...12 {
                    group.addTask {
                        // As a webhook does: its own transaction, or the group's.
                        let ok = (try? await commits.run { db in
                            try await db.transaction { db in
                                try await (db as! SQLDatabase).raw("INSERT INTO group_commit_probe (job) VALUES (\(bind: job))").run()
                                if job == failing { throw Refused() }
                                return job
                            }
                        }) != nil
                        return (job, ok)
                    }
                }
                return await group.reduce(into: [Int: Bool]()) { $0[$1.0] = $1.1 }
            }
            #expect(results.filter { !$0.value }.map(\.key) == [failing])
            let rows = try await sql.raw("SELECT job FROM group_commit_probe ORDER BY job").all().map { try $0.decode(column: "job", as: Int.self) }
            #expect(rows == (0...12).filter { $0 != failing })
            #expect(await commits.jobs == 13)
            #expect(await commits.batches == 2)
        }
    }

    /// Jobs about different people run side by side in one transaction; jobs about the same person run in order.
    @Test func jobsWithOtherKeysRunSideBySideThoseWithTheSameKeyInOrder() async throws {
        try await TestApp.with { t in
            guard let sql = t.app.db as? SQLDatabase else { Issue.record("not SQL"); return }
            guard TestDatabase.postgresServer == nil else { return }  // PostgreSQL runs each job on its own.
            try await sql.raw("CREATE TABLE group_commit_probe (job INTEGER NOT NULL)").run()
            let commits = GroupCommit<Int>(enabled: true, gate: t.app.parley.writeGate, database: { t.app.db })
            let log = ProbeLog()
            let results = try await withThrowingTaskGroup(of: Int.self) { group in
                // The first holds its batch open until the rest are waiting, so they form the next batch.
                group.addTask {
                    try await commits.run(keys: ["first"]) { _ in
                        await log.append(0)
                        for _ in 0..<500 where await commits.queued < 4 { try await Task.sleep(for: .milliseconds(10)) }
                        return 0
                    }
                }
                // Each waits for the one before to be queued: tasks need not start in the order they were added.
                func queued(_ count: Int) async throws {
                    for _ in 0..<500 where await commits.queued < count { try await Task.sleep(for: .milliseconds(5)) }
                }
                for _ in 0..<500 where !(await log.contains(0)) { try await Task.sleep(for: .milliseconds(5)) }
                // "A" waits, inside the transaction, until "B" (another person) has written: only side by side can
                // both finish. The second job of "A" must still come after the first.
                group.addTask {
                    try await commits.run(keys: ["A"]) { db in
                        for _ in 0..<500 where !(await log.contains(2)) { try await Task.sleep(for: .milliseconds(10)) }
                        await log.append(1)
                        return 1
                    }
                }
                try await queued(1)
                group.addTask {
                    try await commits.run(keys: ["B"]) { db in
                        try await (db as! SQLDatabase).raw("INSERT INTO group_commit_probe (job) VALUES (2)").run()
                        await log.append(2)
                        return 2
                    }
                }
                try await queued(2)
                group.addTask { try await commits.run(keys: ["A"]) { _ in await log.append(3); return 3 } }
                try await queued(3)
                group.addTask { try await commits.run(keys: ["C"]) { _ in await log.append(4); return 4 } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.sorted() == [0, 1, 2, 3, 4])
            let order = await log.entries
            #expect(order.firstIndex(of: 2)! < order.firstIndex(of: 1)!, "B wrote while A waited: side by side")
            #expect(order.firstIndex(of: 1)! < order.firstIndex(of: 3)!, "the same person's jobs in order")
            #expect(await commits.batches == 2)
        }
    }

    /// A batch holds its connection while its jobs compute; reads of every event loop must not wait for it (they did
    /// when the group commits wrote on the pool's one connection per event loop).
    @Test func readsOnEveryEventLoopGoOnWhileABatchHoldsTheWriter() async throws {
        try await TestApp.with { t in
            guard TestDatabase.postgresServer == nil else { return }  // PostgreSQL: a pool of its own per loop.
            let log = ProbeLog()
            async let batch = t.app.parley.ticketCommits.run { db in
                _ = try await TicketModel.query(on: db).count()  // inside the transaction, on the writer's connection
                for _ in 0..<500 where !(await log.contains(1)) { try await Task.sleep(for: .milliseconds(10)) }
                await log.append(2)
                return TicketService.Result(ticket: TicketModel(), audit: nil, comment: nil)
            }
            try await Task.sleep(for: .milliseconds(50))
            for loop in t.app.eventLoopGroup.makeIterator() {
                let db = t.app.databases.database(.sqlite, logger: t.app.logger, on: loop)!
                #expect(try await UserModel.query(on: db).count() >= 0)
            }
            await log.append(1)
            _ = try await batch
            #expect(await log.entries == [1, 2], "every loop's read finished while the batch still held the writer")
        }
    }

    /// A statement that fails in one lane (a duplicate, as a redelivered webhook's ledger entry) must not take back
    /// what another lane wrote meanwhile on the same connection.
    @Test func aFailingStatementInOneLaneKeepsTheOtherLanesWrites() async throws {
        try await TestApp.with { t in
            guard TestDatabase.postgresServer == nil else { return }
            let sql = try #require(t.app.db as? SQLDatabase)
            try await sql.raw("CREATE TABLE lane_unique (k INTEGER PRIMARY KEY)").run()
            try await sql.raw("CREATE TABLE lane_rows (id INTEGER PRIMARY KEY, v INTEGER NOT NULL)").run()
            try await sql.raw("CREATE TABLE lane_log (v INTEGER NOT NULL)").run()
            try await sql.raw("CREATE TRIGGER lane_rows_log AFTER INSERT ON lane_rows BEGIN INSERT INTO lane_log VALUES (NEW.v); END").run()
            try await sql.raw("INSERT INTO lane_unique VALUES (1)").run()
            let commits = GroupCommit<Int>(enabled: true, gate: t.app.parley.writeGate,
                                           database: { DatabaseSetup.writer(of: t.app, settings: t.app.parley.settings) })
            let rounds = 300
            _ = try await Self.sideBySide(on: commits, [
                ("dup", { db in
                    var failed = 0
                    for _ in 0..<rounds {
                        do { try await (db as! SQLDatabase).raw("INSERT INTO lane_unique (k) VALUES (2), (1)").run() } catch { failed += 1 }
                    }
                    return failed
                }),
                ("rows", { db in
                    for v in 0..<rounds { try await (db as! SQLDatabase).raw("INSERT INTO lane_rows (v) VALUES (\(bind: v))").run() }
                    return rounds
                }),
            ])
            let rows = try await sql.raw("SELECT COUNT(*) AS n FROM lane_rows").first(decoding: Count.self)?.n
            let logged = try await sql.raw("SELECT COUNT(*) AS n FROM lane_log").first(decoding: Count.self)?.n
            #expect(await commits.batches == 2, "the two ran in one batch")
            #expect(rows == rounds && logged == rounds, "rows \(rows ?? -1), logged \(logged ?? -1)")
        }
    }

    /// SQLite keeps a statement's savepoints as a stack: a statement closing under one opened after it (two lanes'
    /// `INSERT … RETURNING`, each open from its first step to its last) leaves a savepoint behind, and the next
    /// statement that fails (a duplicate key, as the ledger's) rolls back to it, undoing other statements that had
    /// already succeeded. Statements of one connection must therefore not overlap.
    @Test func statementsOfTwoLanesDoNotOverlapOnTheConnection() async throws {
        try await TestApp.with { t in
            guard TestDatabase.postgresServer == nil else { return }
            let sql = try #require(t.app.db as? SQLDatabase)
            try await sql.raw("CREATE TABLE lane_unique (k INTEGER PRIMARY KEY)").run()
            try await sql.raw("CREATE TABLE lane_rows (id INTEGER PRIMARY KEY, lane INTEGER NOT NULL)").run()
            try await sql.raw("INSERT INTO lane_unique VALUES (1)").run()
            let commits = GroupCommit<Int>(enabled: true, gate: t.app.parley.writeGate,
                                           database: { DatabaseSetup.writer(of: t.app, settings: t.app.parley.settings) })
            let rounds = 2_000
            let stored = try await Self.sideBySide(on: commits, (0..<2).map { lane in
                ("lane \(lane)", { db in
                    let sql = db as! SQLDatabase
                    var stored = 0
                    for round in 0..<rounds {
                        _ = try await sql.raw("INSERT INTO lane_rows (lane) VALUES (\(bind: lane)) RETURNING id").all()
                        stored += 1
                        if lane == 0, round % 3 == 0 {
                            _ = try? await sql.raw("INSERT INTO lane_unique (k) VALUES (1) RETURNING k").all()
                        }
                    }
                    return stored
                })
            })
            let rows = try await sql.raw("SELECT COUNT(*) AS n FROM lane_rows").first(decoding: Count.self)?.n
            #expect(await commits.batches == 2, "the two ran in one batch")
            #expect(stored == 2 * rounds && rows == stored, "stored \(stored), rows \(rows ?? -1)")
        }
    }

    /// Runs `jobs` in one batch, each in a lane of its own (keyed by its name); returns the sum of their outputs.
    private static func sideBySide(on commits: GroupCommit<Int>, _ jobs: [(String, GroupCommit<Int>.Job)]) async throws -> Int {
        try await withThrowingTaskGroup(of: Int.self) { group in
            // The first holds its batch until the others are queued, so they share the next one.
            group.addTask {
                try await commits.run(keys: ["first"]) { _ in
                    for _ in 0..<500 where await commits.queued < jobs.count { try await Task.sleep(for: .milliseconds(5)) }
                    return 0
                }
            }
            for _ in 0..<500 where await commits.batches < 1 { try await Task.sleep(for: .milliseconds(5)) }
            for (name, job) in jobs { group.addTask { try await commits.run(keys: [name], job) } }
            return try await group.reduce(0, +)
        }
    }

    private struct Count: Decodable { let n: Int }

    @Test func turnedOffEachJobRunsOnItsOwn() async throws {
        try await TestApp.with { t in
            let commits = GroupCommit<Int>(enabled: false, gate: t.app.parley.writeGate, database: { t.app.db })
            let inTransaction = try await commits.run { db in db.inTransaction ? 1 : 0 }
            #expect(inTransaction == 0)
            #expect(await commits.batches == 0)
        }
    }
}

/// What jobs did, in the order they did it.
actor ProbeLog {
    private(set) var entries: [Int] = []
    func append(_ entry: Int) { entries.append(entry) }
    func contains(_ entry: Int) -> Bool { entries.contains(entry) }
}
