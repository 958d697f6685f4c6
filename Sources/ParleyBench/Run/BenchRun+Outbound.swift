import Foundation
import ParleyJSON

extension BenchRun {
    var control: BenchClient { BenchClient(http: http, baseURL: simulatorURL) }

    func simulatorStats() async throws -> (accepted: Int, throttled: Int, violations: Int) {
        let stats = try await control.call(.GET, "/_sim/stats")
        return (stats["accepted_sends"]?.intValue ?? 0, stats["throttled_sends"]?.intValue ?? 0,
                stats["window_violations"]?.intValue ?? 0)
    }

    /// Customers the simulator knows write once (opening their windows on both sides); returns their ticket ids.
    func openConversations(_ count: Int) async throws -> [Int] {
        let control = self.control
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<count {
                if index >= 16 { try await group.next() }
                group.addTask {
                    let user = try await control.call(.POST, "/_sim/users", json: [
                        "name": .string("Outbound customer \(index)"), "phone": .string("4917\(String(format: "%09d", index))"),
                    ])
                    guard let id = user["user_id"]?.stringValue else { throw BenchClient.Failure(description: "no simulated user id") }
                    let sent = try await control.call(.POST, "/_sim/users/\(id)/messages", json: ["type": "text", "text": "Hello, any news?"])
                    guard sent["delivery"]?["delivered"]?.boolValue == true else {
                        throw BenchClient.Failure(description: "the simulator could not deliver a customer's message: \(sent)")
                    }
                }
            }
            try await group.waitForAll()
        }
        var ids: [Int] = []
        var page = 1
        while ids.count < count {
            let listed = try await api.call(.GET, "/api/v2/tickets.json?sort_by=created_at&sort_order=desc&per_page=100&page=\(page)")
            let tickets = listed["tickets"]?.arrayValue ?? []
            if tickets.isEmpty { break }
            ids += tickets.compactMap { $0["id"]?.intValue }
            page += 1
        }
        return Array(ids.prefix(count))
    }

    func replies(to tickets: [Int], count: Int, label: String) -> LoadPlan {
        let templates = tickets.map { id in
            RequestTemplate(method: "PUT", path: "/api/v2/tickets/\(id).json", headers: ["Authorization": api.authorization ?? ""],
                            body: #"{"ticket":{"comment":{"body":"Thanks for waiting, your order ships today (\#(label)).","public":true}}}"#)
        }
        return LoadPlan(baseURL: parleyURL, work: .requests(templates), count: count, concurrency: settings.apiClients,
                        timeLimitSeconds: 600)
    }

    /// Polls the simulator until it accepted `expected` sends more than `start`; returns when the first and the last
    /// of them were seen (to the poll's 20 ms).
    func waitForSends(from start: Int, expected: Int, timeout: Double) async throws -> (first: Date?, last: Date) {
        var (first, last): (Date?, Date) = (nil, Date())
        var seen = start
        let deadline = Date().addingTimeInterval(timeout)
        while seen < start + expected {
            guard Date() < deadline else {
                throw BenchClient.Failure(description: "only \(seen - start) of \(expected) replies reached the simulator")
            }
            try await Task.sleep(for: .milliseconds(20))
            let now = try await simulatorStats().accepted
            if now != seen {
                last = Date()
                first = first ?? last
            }
            seen = now
        }
        return (first, last)
    }

    /// Agent replies through the API until WhatsApp (the simulator) accepted every one.
    func outbound() async throws {
        progress("[\(store.name)] outbound")
        let tickets = try await openConversations(settings.replyTickets)
        guard tickets.count == settings.replyTickets else {
            throw BenchClient.Failure(description: "found \(tickets.count) of \(settings.replyTickets) conversations")
        }
        conversations = tickets
        let before = try await simulatorStats()
        let started = Date()
        let cpuBefore = parley?.cpuSeconds
        let api = try await load(replies(to: tickets, count: settings.replies, label: "reply"), "agent replies")
        guard api.succeeded == api.sent else { throw BenchClient.Failure(description: "replies refused: \(api.statuses)") }
        let finished = try await waitForSends(from: before.accepted, expected: settings.replies,
                                              timeout: Double(settings.replies) / 20 + 60).last
        let after = try await simulatorStats()
        let seconds = finished.timeIntervalSince(started)
        let cpu = parleyCPU(since: cpuBefore)
        report.rows.append(BenchRow(
            "outbound: agent replies, API to WhatsApp accepted (end to end)", count: settings.replies,
            perSecond: Double(settings.replies) / seconds, unit: "msg/s", latency: api.latencyMilliseconds,
            errors: api.failed + (after.violations - before.violations), target: "≥ 1000 msg/s per number",
            note: note("latency is the API call", "\(after.violations - before.violations) window violations",
                       cpuNote(cpu, per: settings.replies, item: "reply"))))
    }

    /// Parley's limiter at a configured rate against a simulator that refuses (130429) anything over it.
    func limiter() async throws {
        progress("[\(store.name)] limiter at \(settings.limiterRate)/s")
        try await restartParley(rate: settings.limiterRate)
        try await control.call(.PUT, "/_sim/throughput", json: ["limit": .int(settings.limiterRate)])
        try await Task.sleep(for: .milliseconds(1_100))  // the simulator's last second holds no earlier sends
        let tickets = conversations
        let before = try await simulatorStats()
        // Watched from before the first reply: the outbox starts sending while agents are still replying.
        async let sends = waitForSends(from: before.accepted, expected: settings.limiterReplies,
                                       timeout: Double(settings.limiterReplies) / Double(settings.limiterRate) * 3 + 60)
        _ = try await load(replies(to: tickets, count: settings.limiterReplies, label: "limited"), "agent replies, limited")
        let (first, last) = try await sends
        let after = try await simulatorStats()
        // From the first send seen to the last: the first second's full window went out at once, and the rate is
        // what the rest took.
        let steady = Double(settings.limiterReplies - settings.limiterRate) / max(0.001, last.timeIntervalSince(first ?? last))
        report.rows.append(BenchRow(
            "outbound: limiter set to \(settings.limiterRate)/s", count: settings.limiterReplies, perSecond: steady,
            unit: "msg/s", errors: after.throttled - before.throttled, target: "exactly \(settings.limiterRate)/s, 0 refused",
            note: "\(after.throttled - before.throttled) refused with 130429 by the simulator's \(settings.limiterRate)/s limit"))
        try await control.call(.PUT, "/_sim/throughput", json: ["limit": .int(Self.unlimited)])
    }
}
