import Foundation

extension BenchRun {
    /// Seeds the database (Parley stopped), then measures what agents click most: a view's first page, a ticket's
    /// conversation, a search.
    func reads() async throws {
        progress("[\(store.name)] reads: seeding \(settings.seedTickets) tickets × \(settings.commentsPerTicket) comments")
        if let parley { await parley.stop() }
        var arguments = ["seed", "--data-dir", directory + "/data", "--tickets", "\(settings.seedTickets)",
                         "--comments-per-ticket", "\(settings.commentsPerTicket)"]
        if let databaseURL { arguments += ["--database-url", databaseURL] }
        let started = Date()
        let seeder = try ChildProcess(executable: settings.executable, arguments: arguments,
                                      environment: environment(["PARLEY_LOG_LEVEL": "warning"]), logPath: directory + "/seed.log")
        var shown = ""
        while seeder.isRunning {
            try await Task.sleep(for: .seconds(1))
            // The seed's own progress line ("… / 1000000 tickets, … (75 s)"), once per new line it writes.
            let latest = seeder.logTail(lines: 2).trimmingCharacters(in: .whitespacesAndNewlines)
            if !latest.isEmpty, latest != shown, !latest.contains("\n") {
                shown = latest
                progress("[\(store.name)] reads: seeded \(latest)")
            }
        }
        guard seeder.process.terminationStatus == 0 else {
            throw BenchClient.Failure(description: "parley seed failed: \(seeder.logTail())")
        }
        let seedSeconds = Date().timeIntervalSince(started)
        // The seed leaves gigabytes of dirty pages: written back while agents read, they measured the disk's catch-up.
        sync()
        let rows = settings.seedTickets * (settings.commentsPerTicket + 2)
        report.rows.append(BenchRow(
            "seed: \(settings.seedTickets) tickets, \(settings.seedTickets * settings.commentsPerTicket) comments",
            count: rows, perSecond: Double(rows) / seedSeconds, unit: "rows/s",
            note: String(format: "%.0f s (tickets, comments, audits)", seedSeconds)))
        try await startParley(rate: Self.unlimited)

        let newest = try await api.call(.GET, "/api/v2/tickets.json?sort_by=created_at&sort_order=desc&per_page=1")
        guard let maxID = newest["tickets"]?[0]?["id"]?.intValue else { throw BenchClient.Failure(description: "no tickets after seeding") }
        let auth = ["Authorization": api.authorization ?? ""]
        var generator = SystemRandomNumberGenerator()
        let searchWords = ["refund", "warranty", "tracking", "coupon", "battery", "xylophone"]
        let scenarios: [(String, [RequestTemplate])] = [
            ("reads: view \"Open\", first page (25, newest first)",
             [RequestTemplate(method: "GET", path: "/api/v2/parley/views/open/tickets.json?per_page=25", headers: auth)]),
            // The interface asks for every view's count whenever a ticket changes.
            ("reads: the views with their counts",
             [RequestTemplate(method: "GET", path: "/api/v2/parley/views", headers: auth)]),
            ("reads: a ticket's conversation",
             (0..<200).map { _ in
                 RequestTemplate(method: "GET", path: "/api/v2/tickets/\(Int.random(in: 1...maxID, using: &generator))/comments.json",
                                 headers: auth)
             }),
            // Common words and one nobody wrote (which a scan of every comment never finds early), a page of 25 as
            // the agent interface asks for it.
            ("reads: search (one word, 25 a page)", searchWords.map {
                RequestTemplate(method: "GET", path: "/api/v2/search.json?query=\($0)&per_page=25", headers: auth)
            }),
        ]
        // Each scenario's first requests read pages no agent had asked for since the seed: a warm-up, not measured.
        let warmUp = max(1, settings.reads / 4)
        for (name, templates) in scenarios {
            _ = try await load(LoadPlan(baseURL: parleyURL, work: .requests(templates), count: warmUp,
                                        concurrency: settings.readConcurrency, timeLimitSeconds: 600), name + " (warm-up)")
            let result = try await load(LoadPlan(baseURL: parleyURL, work: .requests(templates), count: settings.reads,
                                                 concurrency: settings.readConcurrency, timeLimitSeconds: 600), name)
            report.rows.append(BenchRow(name, load: result, unit: "req/s", target: "p99 ≤ 20 ms",
                                        note: "\(settings.readConcurrency) agents at once, after \(warmUp) unmeasured"))
        }
        // Zendesk's API answers 100 a page unless asked: what a script reading every result waits for.
        let scripts = searchWords.map { RequestTemplate(method: "GET", path: "/api/v2/search.json?query=\($0)", headers: auth) }
        let result = try await load(LoadPlan(baseURL: parleyURL, work: .requests(scripts), count: settings.reads,
                                             concurrency: settings.readConcurrency, timeLimitSeconds: 600),
                                    "reads: search, 100 a page")
        report.rows.append(BenchRow("reads: search, 100 a page (the API's default)", load: result, unit: "req/s",
                                    note: "\(settings.readConcurrency) clients at once; no agent screen asks for it"))
    }
}
