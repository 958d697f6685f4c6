import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import ParleyJSON
import WhatsAppCloud
import WhatsAppSimulator

/// Sends a `LoadPlan` and measures it. Runs in its own process (`parley bench-load`), so that the client's work is
/// not counted against the server being measured, and only ever talks to loopback.
public enum LoadGenerator {
    public struct NotLoopback: Error, CustomStringConvertible {
        let url: String
        public var description: String { "the load generator only targets loopback, not \(url)" }
    }

    struct Prepared: Sendable {
        let request: HTTPClientRequest
        let isWebhook: Bool
    }

    struct Outcome: Sendable {
        var status: Int?
        var milliseconds: Double
        var stored: Int
    }

    public static func run(_ plan: LoadPlan) async throws -> LoadResult {
        guard let host = URL(string: plan.baseURL)?.host, ["127.0.0.1", "localhost", "::1", "[::1]"].contains(host) else {
            throw NotLoopback(url: plan.baseURL)
        }
        let requests = prepare(plan)
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(
            idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: max(1, plan.concurrency))
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let outcomes = await send(requests, plan: plan, client: client)
        try await client.shutdown()
        return summarize(outcomes.results, sent: outcomes.results.count, seconds: outcomes.seconds)
    }

    private static func send(_ requests: [Prepared], plan: LoadPlan, client: HTTPClient) async -> (results: [Outcome], seconds: Double) {
        let clock = ContinuousClock()
        let start = clock.now
        let limit = Duration.milliseconds(Int64(plan.timeLimitSeconds * 1000))
        var results: [Outcome] = []
        results.reserveCapacity(requests.count)
        await withTaskGroup(of: Outcome.self) { group in
            var next = 0
            var running = 0
            while next < requests.count || running > 0 {
                if next < requests.count, running < max(1, plan.concurrency), clock.now - start < limit {
                    let prepared = requests[next]
                    let due = plan.ratePerSecond.map { start + .nanoseconds(Int64(Double(next) / $0 * 1e9)) }
                    next += 1
                    running += 1
                    group.addTask {
                        if let due { try? await Task.sleep(until: due, clock: .continuous) }
                        let began = due ?? clock.now
                        return await execute(prepared, client: client) { clock.now - began }
                    }
                } else if let outcome = await group.next() {
                    running -= 1
                    results.append(outcome)
                } else {
                    break
                }
            }
        }
        return (results, (clock.now - start).milliseconds / 1000)
    }

    private static func execute(_ prepared: Prepared, client: HTTPClient, elapsed: @Sendable () -> Duration) async -> Outcome {
        do {
            let response = try await client.execute(prepared.request, timeout: .seconds(60))
            let body = try await response.body.collect(upTo: 4 << 20)
            let milliseconds = elapsed().milliseconds
            var stored = 0
            if prepared.isWebhook, let answer = try? JSONValue.parse(Data(buffer: body)) {
                stored = answer["stored"]?.intValue ?? 0
            }
            return Outcome(status: Int(response.status.code), milliseconds: milliseconds, stored: stored)
        } catch {
            return Outcome(status: nil, milliseconds: elapsed().milliseconds, stored: 0)
        }
    }

    static func summarize(_ outcomes: [Outcome], sent: Int, seconds: Double) -> LoadResult {
        var statuses: [String: Int] = [:]
        var succeeded = 0
        var transport = 0
        var stored = 0
        for outcome in outcomes {
            if let status = outcome.status {
                statuses[String(status), default: 0] += 1
                if (200..<300).contains(status) { succeeded += 1 }
            } else {
                transport += 1
            }
            stored += outcome.stored
        }
        return LoadResult(
            sent: sent, succeeded: succeeded, statuses: statuses, transportErrors: transport, seconds: seconds,
            latencyMilliseconds: Percentiles(samples: outcomes.map(\.milliseconds)), storedMessages: stored)
    }

    // MARK: - Requests, built before the clock starts

    static func prepare(_ plan: LoadPlan) -> [Prepared] {
        switch plan.work {
        case .webhooks(let work):
            return webhooks(work, count: plan.count, baseURL: plan.baseURL)
        case .requests(let templates):
            guard !templates.isEmpty else { return [] }
            return (0..<plan.count).map { index in
                let template = templates[index % templates.count]
                var request = HTTPClientRequest(url: plan.baseURL + template.path)
                request.method = HTTPMethod(rawValue: template.method)
                for (name, value) in template.headers { request.headers.add(name: name, value: value) }
                if let body = template.body {
                    request.headers.replaceOrAdd(name: "Content-Type", value: "application/json")
                    request.body = .bytes(ByteBuffer(string: body))
                }
                return Prepared(request: request, isWebhook: false)
            }
        }
    }

    static func webhooks(_ work: WebhookWork, count: Int, baseURL: String) -> [Prepared] {
        let number = SimulatorConfiguration.PhoneNumber(id: work.phoneNumberID, displayNumber: work.displayNumber, wabaID: work.wabaID)
        let now = Date()
        let perBody = max(1, work.messagesPerBody)
        var message = 0
        return (0..<count).map { _ in
            let bodies = (0..<perBody).map { _ -> JSONValue in
                defer { message += 1 }
                let user = benchUser(work.firstUser + message % max(1, work.users))
                return WebhookFactory.textMessage(number, from: user, text: "Benchmark message \(message): where is my order?", sentAt: now)
            }
            let body = bodies.count == 1 ? bodies[0] : WebhookFactory.merge(bodies, separateEntries: false)
            let bytes = body.encoded()
            var request = HTTPClientRequest(url: baseURL + "/webhooks/whatsapp")
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.headers.add(name: SignatureVerifier.headerName, value: SignatureVerifier.signature(for: bytes, secret: work.appSecret))
            request.body = .bytes(ByteBuffer(data: bytes))
            return Prepared(request: request, isWebhook: true)
        }
    }

    /// End user number `index`: a stable BSUID and phone number, so runs can address the same users again.
    public static func benchUser(_ index: Int) -> SimulatedUser {
        SimulatedUser(bsuid: "US.\(7_000_000_000_000_000_000 + index)", name: "Bench user \(index)",
                      phone: "4916\(String(format: "%09d", index))", username: nil)
    }
}

extension Duration {
    var milliseconds: Double {
        Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15
    }
}
