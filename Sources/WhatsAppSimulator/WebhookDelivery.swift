import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import ParleyJSON
import WhatsAppCloud

/// Posts webhook bodies to Parley like Meta does: signed over the exact bytes, retried with backoff when not
/// answered 2xx in time, and — in the modes tests ask for — duplicated, batched or shuffled.
actor WebhookDelivery {
    private struct Pending {
        let ticket: Int
        let body: JSONValue
    }

    private let configuration: SimulatorConfiguration
    private let client: HTTPClient
    private var modes = DeliveryModes()
    private var queue: [Pending] = []
    private var records: [Int: DeliveryRecord] = [:]
    private var waiters: [Int: [CheckedContinuation<DeliveryRecord, Never>]] = [:]
    private var nextTicket = 1
    private var worker: Task<Void, Never>?
    private var webhookURL: String?
    private var generator = SystemRandomNumberGenerator()
    private var batches = 0
    private var duplicatedBatches = 0

    init(configuration: SimulatorConfiguration, client: HTTPClient) {
        self.configuration = configuration
        self.client = client
        self.webhookURL = configuration.webhookURL
    }

    func setModes(_ modes: DeliveryModes) { self.modes = modes }
    func currentModes() -> DeliveryModes { modes }
    func currentWebhookURL() -> String? { webhookURL }
    func setWebhookURL(_ url: String?) {
        webhookURL = url
        startWorker()
    }

    func enqueue(_ body: JSONValue) -> Int {
        let ticket = nextTicket
        nextTicket += 1
        records[ticket] = DeliveryRecord(ticket: ticket)
        queue.append(Pending(ticket: ticket, body: body))
        startWorker()
        return ticket
    }

    /// Waits until the body was delivered or given up (returns at once when there is no webhook URL).
    func wait(for ticket: Int) async -> DeliveryRecord {
        guard let record = records[ticket] else { return DeliveryRecord(ticket: ticket) }
        if record.delivered || record.gaveUp || webhookURL == nil { return record }
        return await withCheckedContinuation { continuation in waiters[ticket, default: []].append(continuation) }
    }

    func allRecords() -> [DeliveryRecord] { records.values.sorted { $0.ticket < $1.ticket } }
    func summary() -> DeliverySummary {
        DeliverySummary(records.values, batches: batches, duplicatedBatches: duplicatedBatches)
    }

    /// Stops delivering and waits until no delivery is in flight (so nothing reaches a receiver shutting down).
    func stop() async {
        webhookURL = nil
        queue.removeAll()
        // Not cancelled: a webhook in flight is finished, so the receiver never handles a request nobody awaits.
        await worker?.value
        for (ticket, continuations) in waiters {
            for continuation in continuations { continuation.resume(returning: records[ticket] ?? DeliveryRecord(ticket: ticket)) }
        }
        waiters.removeAll()
    }

    private func startWorker() {
        guard worker == nil, webhookURL != nil, !queue.isEmpty else { return }
        worker = Task { await self.drain() }
    }

    private func drain() async {
        while !queue.isEmpty, webhookURL != nil {
            if modes.batchSize > 1 && queue.count < modes.batchSize {
                // Give more bodies a moment to arrive so they can travel together.
                try? await Task.sleep(for: .milliseconds(50))
            }
            var batch = Array(queue.prefix(max(1, modes.batchSize)))
            queue.removeFirst(batch.count)
            if modes.shuffle { batch.shuffle(using: &generator) }
            let body = batch.count == 1
                ? batch[0].body : WebhookFactory.merge(batch.map(\.body), separateEntries: modes.separateEntries)
            let tickets = batch.map(\.ticket)
            batches += 1
            let outcome = await post(body, tickets: tickets)
            if outcome, Double.random(in: 0..<1, using: &generator) < modes.duplicateRate {
                duplicatedBatches += 1
                for ticket in tickets { records[ticket]?.duplicated = true }
                _ = await post(body, tickets: tickets)
            }
            for ticket in tickets { finish(ticket) }
        }
        worker = nil
        startWorker()
    }

    /// One body, retried with exponential backoff until answered 2xx or out of attempts. Each attempt goes to the
    /// webhook URL configured at that moment, as Meta's retries do after an app changes its callback URL.
    private func post(_ body: JSONValue, tickets: [Int]) async -> Bool {
        let bytes = body.encoded()
        let signature = SignatureVerifier.signature(for: bytes, secret: configuration.appSecret)
        for attempt in 1...max(1, configuration.maxDeliveryAttempts) {
            guard let url = webhookURL else { break }
            var request = HTTPClientRequest(url: url)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.headers.add(name: SignatureVerifier.headerName, value: signature)
            request.headers.add(name: "User-Agent", value: "facebookexternalua")
            request.body = .bytes(ByteBuffer(data: bytes))
            var status: Int?
            do {
                let response = try await client.execute(
                    request, timeout: .milliseconds(Int64(configuration.webhookTimeout * 1000)))
                _ = try? await response.body.collect(upTo: 1 << 20)
                status = Int(response.status.code)
            } catch {
                status = nil
            }
            for ticket in tickets {
                records[ticket]?.attempts += 1
                records[ticket]?.lastStatus = status
            }
            if let status, (200..<300).contains(status) {
                for ticket in tickets { records[ticket]?.delivered = true }
                return true
            }
            if attempt < configuration.maxDeliveryAttempts {
                let delay = configuration.retryBaseDelay * pow(2, Double(attempt - 1))
                try? await Task.sleep(for: .milliseconds(Int64(delay * 1000)))
            }
        }
        for ticket in tickets where records[ticket]?.delivered != true { records[ticket]?.gaveUp = true }
        return false
    }

    private func finish(_ ticket: Int) {
        guard let record = records[ticket], let continuations = waiters.removeValue(forKey: ticket) else { return }
        for continuation in continuations { continuation.resume(returning: record) }
    }
}
