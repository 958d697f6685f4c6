import Foundation

extension BenchRun {
    func webhookWork(messagesPerBody: Int = 1, firstUser: Int = 0, users: Int? = nil) -> LoadPlan.Work {
        .webhooks(WebhookWork(appSecret: appSecret, phoneNumberID: Self.phoneNumberID, displayNumber: Self.displayNumber,
                              wabaID: Self.wabaID, users: users ?? settings.users, firstUser: firstUser,
                              messagesPerBody: messagesPerBody))
    }

    /// Signed webhooks until stored durably (Parley answers only after the commit), three ways.
    func inbound() async throws {
        progress("[\(store.name)] inbound")
        let sustained = try await load(LoadPlan(baseURL: parleyURL, work: webhookWork(), count: settings.messages,
                                                concurrency: settings.concurrency, timeLimitSeconds: 600),
                                       "webhooks, one message each, unthrottled")
        try check(sustained, messages: settings.messages)
        report.rows.append(BenchRow(
            "inbound: 1 message per webhook, \(settings.users) users, unthrottled", load: sustained, unit: "msg/s",
            count: sustained.storedMessages, target: "≥ 3000 msg/s (SQLite)",
            note: note(ratios(sustained.throughput), cpuNote(sustained.serverCPUSeconds, per: sustained.storedMessages, item: "message"))))

        let pacedCount = Int(settings.pacedRate * settings.pacedSeconds)
        let paced = try await load(LoadPlan(baseURL: parleyURL, work: webhookWork(), count: pacedCount,
                                            concurrency: max(settings.concurrency, 256), ratePerSecond: settings.pacedRate,
                                            timeLimitSeconds: settings.pacedSeconds * 10 + 60),
                                   "webhooks paced")
        try check(paced, messages: pacedCount)
        report.rows.append(BenchRow(
            String(format: "inbound: paced at %.0f msg/s (latency from when each was due)", settings.pacedRate), load: paced,
            unit: "msg/s", count: paced.storedMessages, target: "p99 ≤ 50 ms at 1000/s",
            note: cpuNote(paced.serverCPUSeconds, per: paced.storedMessages, item: "message")))

        let batched = try await load(LoadPlan(baseURL: parleyURL, work: webhookWork(messagesPerBody: settings.messagesPerBatch),
                                              count: settings.batchBodies, concurrency: max(1, settings.concurrency / 4),
                                              timeLimitSeconds: 600),
                                     "webhooks of \(settings.messagesPerBatch) messages")
        try check(batched, messages: settings.batchBodies * settings.messagesPerBatch)
        report.rows.append(BenchRow(
            "inbound: \(settings.messagesPerBatch) messages per webhook", load: batched, unit: "msg/s",
            count: batched.storedMessages,
            note: note("latency is per webhook", ratios(Double(batched.storedMessages) / max(batched.seconds, 0.001)),
                       cpuNote(batched.serverCPUSeconds, per: batched.storedMessages, item: "message"))))
    }

    /// Every webhook answered 2xx and Parley reports each message stored.
    func check(_ result: LoadResult, messages: Int) throws {
        guard result.succeeded == result.sent, result.storedMessages == messages else {
            throw BenchClient.Failure(description: "inbound: \(result.succeeded) of \(result.sent) webhooks answered 2xx "
                                      + "(\(result.statuses)), \(result.storedMessages) of \(messages) messages stored; "
                                      + "Parley's log ends:\n\(parley?.logTail() ?? "")")
        }
    }
}
