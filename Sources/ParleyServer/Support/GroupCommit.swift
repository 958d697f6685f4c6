import Fluent

/// Group commit on SQLite: writes that arrive while another batch is being written (webhooks, API ticket updates,
/// the outbox's records) share the next transaction, so they pay for one BEGIN, one COMMIT and one sync to disk
/// between them. Each caller still hears back only
/// after the commit that holds its work. PostgreSQL commits concurrent transactions together by itself, so there
/// each job runs on its own, as before.
///
/// A job must be safe to run twice and must leave nothing behind when it throws (it opens its own transaction,
/// which inside the shared one is the shared one): if any job of a batch fails, the batch is rolled back and every
/// job runs again alone, outside the shared transaction (a webhook then commits each message on its own, as it did
/// before group commit), so that one bad request fails alone and the others are kept.
///
/// Jobs given keys (a webhook: the people it is about) run at the same time as the batch's jobs with other keys, on
/// the one connection, in lanes (`CommitLanes`): one job's statements run while another's CPU work goes on, where
/// the single writer otherwise waited on every statement in turn. Jobs without keys run one after the other.
actor GroupCommit<Output: Sendable> {
    typealias Job = @Sendable (any Database) async throws -> Output

    private struct Waiting {
        let job: Job
        let keys: Set<String>?
        let continuation: CheckedContinuation<Output, any Error>
    }

    private let enabled: Bool
    private let maxBatch: Int
    private let gate: WriteGate
    private let database: @Sendable () -> any Database
    private var waiting: [Waiting] = []
    private var draining = false
    /// Batches committed and jobs in them, for tests and the benchmark's notes.
    private(set) var batches = 0
    private(set) var jobs = 0
    /// Jobs waiting for the batch in progress to commit.
    var queued: Int { waiting.count }

    init(enabled: Bool, maxBatch: Int = 32, gate: WriteGate, database: @escaping @Sendable () -> any Database) {
        self.enabled = enabled
        self.maxBatch = maxBatch
        self.gate = gate
        self.database = database
    }

    /// Runs `job` in a transaction shared with the jobs waiting beside it; returns once that transaction committed.
    /// `keys` name what the job writes that another job might too; nil: anything.
    nonisolated func run(keys: Set<String>? = nil, _ job: @escaping Job) async throws -> Output {
        // Off (PostgreSQL), the gate is open too; going through it keeps SQLite's one-writer rule if they ever differ.
        guard enabled else { return try await gate.run { try await job(database()) } }
        return try await withCheckedThrowingContinuation { continuation in
            Task { await self.enqueue(Waiting(job: job, keys: keys, continuation: continuation)) }
        }
    }

    private func enqueue(_ item: Waiting) {
        waiting.append(item)
        guard !draining else { return }
        draining = true
        Task { await drain() }
    }

    private func drain() async {
        while !waiting.isEmpty {
            let batch = Array(waiting.prefix(maxBatch))
            waiting.removeFirst(batch.count)
            batches += 1
            jobs += batch.count
            let results = await Self.commit(batch.map(\.job), lanes: CommitLanes.split(batch.map(\.keys)), gate: gate, db: database())
            for (item, result) in zip(batch, results) { item.continuation.resume(with: result) }
        }
        draining = false
    }

    private static func commit(_ jobs: [Job], lanes: [[Int]], gate: WriteGate, db: any Database) async -> [Result<Output, any Error>] {
        // Even a job alone runs in one transaction: a webhook of 50 messages commits once, not 50 times.
        do {
            return try await gate.run {
                try await db.transaction { db in
                    guard lanes.count > 1 else {
                        var outputs: [Result<Output, any Error>] = []
                        for job in jobs { outputs.append(.success(try await job(db))) }
                        return outputs
                    }
                    // Every lane runs to its end before the transaction ends either way; a job that failed
                    // ends its own lane only.
                    let finished = await withTaskGroup(of: [(Int, Result<Output, any Error>)].self) { group in
                        for lane in lanes {
                            group.addTask {
                                var done: [(Int, Result<Output, any Error>)] = []
                                for index in lane {
                                    do { done.append((index, .success(try await jobs[index](db)))) } catch {
                                        done.append((index, .failure(error)))
                                        break
                                    }
                                }
                                return done
                            }
                        }
                        return await group.reduce(into: []) { $0 += $1 }
                    }
                    var outputs = [Output?](repeating: nil, count: jobs.count)
                    for (index, result) in finished { outputs[index] = try result.get() }
                    return outputs.map { .success($0!) }
                }
            }
        } catch {
            // Rolled back as a whole; below, each runs alone and only the one at fault fails.
        }
        var outputs: [Result<Output, any Error>] = []
        for job in jobs {
            do {
                outputs.append(.success(try await gate.run { try await job(db) }))
            } catch {
                outputs.append(.failure(error))
            }
        }
        return outputs
    }
}
