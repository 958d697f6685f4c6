import AsyncHTTPClient
import Foundation
import ParleyJSON
import WhatsAppCloud

/// A stand-in for Meta's WhatsApp Cloud API: the Graph API side that Parley calls, and simulated users on
/// the phone side who send signed webhooks. Enforces the 24-hour window and throughput like Meta does, and
/// counts every free-form message that arrived outside the window.
public actor Simulator {
    public nonisolated let configuration: SimulatorConfiguration
    public nonisolated let clock: SimulatorClock
    let delivery: WebhookDelivery
    let client: HTTPClient
    private let ownsClient: Bool

    var users: [String: SimulatedUser] = [:]
    var userOrder: [String] = []
    /// Messages the business sent, by WhatsApp message id.
    var received: [String: ReceivedMessage] = [:]
    var receivedOrder: [String] = []
    /// Messages simulated users sent, by id → the sender's BSUID.
    var userMessages: [String: String] = [:]
    var media: [String: StoredMedia] = [:]
    var templates: [String: [MessageTemplate]] = [:]
    var throughputLimit: Int
    var recentSends: [String: [Date]] = [:]
    var faults: [FaultKind] = []
    /// Share of Graph API calls that fail on their own, by kind ("part of the time", for long fault runs).
    var faultRates: [FaultKind: Double] = [:]
    var faultGenerator = SeededGenerator(seed: 1)
    private(set) var servedFaults: [FaultKind: Int] = [:]
    /// Throughput is about load, so it counts in real time; tests may pin it to make bursts exact.
    var throughputClock: @Sendable () -> Date = { Date() }
    public var timeoutFaultSeconds: Double = 30
    /// See `SimulatorConfiguration.failedStatusContacts`; changeable while running (control API).
    public private(set) var failedStatusContacts: Bool
    private(set) var windowViolations = 0
    private(set) var acceptedSends = 0
    /// Sends refused with 130429 because the number was over its throughput (not injected faults).
    private(set) var throttledSends = 0
    private var userSerial = 0

    public init(configuration: SimulatorConfiguration, clock: SimulatorClock = SimulatorClock(), client: HTTPClient? = nil) {
        self.configuration = configuration
        self.clock = clock
        self.client = client ?? HTTPClient(eventLoopGroupProvider: .singleton)
        self.ownsClient = client == nil
        self.delivery = WebhookDelivery(configuration: configuration, client: self.client)
        self.throughputLimit = configuration.throughputPerSecond
        self.failedStatusContacts = configuration.failedStatusContacts
        for number in configuration.phoneNumbers where templates[number.wabaID] == nil {
            templates[number.wabaID] = DefaultTemplates.make(wabaID: number.wabaID)
        }
    }

    public func shutdown() async {
        await delivery.stop()
        if ownsClient { try? await client.shutdown() }
    }

    // MARK: - Users

    /// A new simulated user. Without `phone` the user has a username and hides their number.
    @discardableResult
    public func createUser(name: String, phone: String? = nil, username: String? = nil, bsuid: String? = nil) -> SimulatedUser {
        userSerial += 1
        let id = bsuid ?? String(format: "US.%019llu", UInt64.random(in: 1_000_000_000_000_000...9_999_999_999_999_999_999))
        let user = SimulatedUser(
            bsuid: id, name: name, phone: phone.map(Simulator.digits),
            username: username ?? (phone == nil ? name.lowercased().replacingOccurrences(of: " ", with: ".") : nil))
        if users[id] == nil { userOrder.append(id) }
        users[id] = user
        return user
    }

    public func user(_ bsuid: String) -> SimulatedUser? { users[bsuid] }

    /// The user leaves WhatsApp: later sends to their number or BSUID fail with 131026, as to any non-user.
    @discardableResult
    public func removeUser(_ bsuid: String) -> SimulatedUser? {
        userOrder.removeAll { $0 == bsuid }
        return users.removeValue(forKey: bsuid)
    }
    public func allUsers() -> [SimulatedUser] { userOrder.compactMap { users[$0] } }

    func user(phone: String) -> SimulatedUser? {
        let digits = Simulator.digits(phone)
        return users.values.first { $0.phone == digits }
    }

    static func digits(_ phone: String) -> String { phone.filter(\.isNumber) }

    /// What a user's phone shows: every message the business sent them, oldest first, with its status.
    public func inbox(of bsuid: String) -> [ReceivedMessage] {
        receivedOrder.compactMap { received[$0] }.filter { $0.bsuid == bsuid }
    }

    /// The user opens the chat: every delivered message becomes read, and the business hears of it.
    @discardableResult
    public func read(by bsuid: String) async -> Int {
        var count = 0
        for id in receivedOrder {
            guard var message = received[id], message.bsuid == bsuid, message.status == "delivered" else { continue }
            message.status = "read"
            received[id] = message
            await emitStatus(for: message, status: "read")
            count += 1
        }
        return count
    }

    // MARK: - Controls

    public func advanceClock(by seconds: TimeInterval) { clock.advance(by: seconds) }
    public func setThroughput(_ limit: Int) { throughputLimit = max(1, limit) }
    public func setThroughputClock(_ clock: @escaping @Sendable () -> Date) { throughputClock = clock }
    public func injectFault(_ kind: FaultKind, count: Int) { faults += Array(repeating: kind, count: max(0, count)) }
    public func setFaultRates(_ rates: [FaultKind: Double], seed: UInt64 = 1) {
        faultRates = rates.filter { $0.value > 0 }
        faultGenerator = SeededGenerator(seed: seed)
    }
    public func setFailedStatusContacts(_ on: Bool) { failedStatusContacts = on }
    public func setDeliveryModes(_ modes: DeliveryModes) async { await delivery.setModes(modes) }
    public func deliveryModes() async -> DeliveryModes { await delivery.currentModes() }
    public func setWebhookURL(_ url: String?) async { await delivery.setWebhookURL(url) }
    public func deliveries() async -> [DeliveryRecord] { await delivery.allRecords() }
    public func deliverySummary() async -> DeliverySummary { await delivery.summary() }
    public func waitForDelivery(_ ticket: Int) async -> DeliveryRecord { await delivery.wait(for: ticket) }

    public func addTemplate(_ template: MessageTemplate, wabaID: String) {
        templates[wabaID, default: []].removeAll { $0.name == template.name && $0.language == template.language }
        templates[wabaID, default: []].append(template)
    }

    public struct Stats: Sendable, Equatable {
        public var windowViolations: Int
        public var acceptedSends: Int
        public var users: Int
        public var pendingFaults: Int
        public var throttledSends: Int
        public var servedFaults: [FaultKind: Int] = [:]
    }

    public func stats() -> Stats {
        Stats(windowViolations: windowViolations, acceptedSends: acceptedSends, users: users.count, pendingFaults: faults.count,
              throttledSends: throttledSends, servedFaults: servedFaults)
    }

    // MARK: - Shared helpers

    func number(_ phoneNumberID: String) -> SimulatorConfiguration.PhoneNumber? {
        configuration.phoneNumbers.first { $0.id == phoneNumberID }
    }

    func checkToken(_ token: String?) throws(GraphFailure) {
        guard token == configuration.accessToken else { throw GraphFailure.invalidToken }
    }

    /// Injected faults apply to the next Graph API calls, whatever they are.
    func takeFault() throws {
        let fault: FaultKind
        if !faults.isEmpty {
            fault = faults.removeFirst()
        } else if let rolled = rollFault() {
            fault = rolled
        } else {
            return
        }
        servedFaults[fault, default: 0] += 1
        switch fault {
        case .serverError:
            throw GraphFailure(httpStatus: 500, code: 131000, message: "(#131000) Something went wrong",
                               details: "Something went wrong. Please try again later.")
        case .throttle: throw GraphFailure.throughput
        case .timeout: throw SimulatedTimeout(seconds: timeoutFaultSeconds)
        }
    }

    private func rollFault() -> FaultKind? {
        guard !faultRates.isEmpty else { return nil }
        let roll = Double.random(in: 0..<1, using: &faultGenerator)
        var cumulative = 0.0
        for kind in FaultKind.allCases {
            cumulative += faultRates[kind] ?? 0
            if roll < cumulative { return kind }
        }
        return nil
    }

    /// Throughput per business number over the last second (real time: it is about load, not the clock).
    func checkThroughput(_ phoneNumberID: String) throws(GraphFailure) {
        let now = throughputClock()
        var sends = recentSends[phoneNumberID, default: []].filter { now.timeIntervalSince($0) < 1 }
        guard sends.count < throughputLimit else {
            recentSends[phoneNumberID] = sends
            throttledSends += 1
            throw GraphFailure.throughput
        }
        sends.append(now)
        recentSends[phoneNumberID] = sends
    }

    func emitStatus(for message: ReceivedMessage, status: String, error: (code: Int, title: String, details: String)? = nil) async {
        guard let number = number(message.phoneNumberID) else { return }
        let user = users[message.bsuid]
        let sentToPhone = message.body["to"]?.stringValue.map(Simulator.digits)
        let body = WebhookFactory.status(
            number, message: message, user: user, sentToPhone: sentToPhone, status: status, at: clock.now, error: error,
            failedWithContacts: failedStatusContacts)
        _ = await delivery.enqueue(body)
    }

    func enqueue(_ body: JSONValue) async -> Int { await delivery.enqueue(body) }

    func recordWindowViolation() { windowViolations += 1 }
    func recordAcceptedSend() { acceptedSends += 1 }
}
