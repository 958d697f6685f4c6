import Foundation

/// How a simulator is set up: the business's numbers, its credentials and where webhooks go.
public struct SimulatorConfiguration: Sendable {
    public struct PhoneNumber: Sendable, Equatable {
        public var id: String
        public var displayNumber: String
        public var wabaID: String
        public init(id: String, displayNumber: String, wabaID: String) {
            self.id = id
            self.displayNumber = displayNumber
            self.wabaID = wabaID
        }
    }

    public var phoneNumbers: [PhoneNumber]
    public var accessToken: String
    public var appSecret: String
    /// Parley's webhook URL (`http://host:port/webhooks/whatsapp`); nil keeps webhooks in the outbox only.
    public var webhookURL: String?
    /// This simulator's own base URL, used in media download links it hands out.
    public var publicBaseURL: String
    public var throughputPerSecond: Int
    public var webhookTimeout: TimeInterval
    public var retryBaseDelay: TimeInterval
    public var maxDeliveryAttempts: Int
    /// Simulated users read what they receive at once (read statuses follow delivered ones).
    public var autoRead: Bool
    /// Failed statuses carry a `contacts` array. The reference (§11) says Meta's carry none, but pywa 4.5 cannot
    /// parse a status without one, so it stays on by default; turn it off for the reference's exact shape.
    public var failedStatusContacts: Bool

    public init(
        phoneNumbers: [PhoneNumber] = [PhoneNumber(id: "106540352242922", displayNumber: "15550001234", wabaID: "102290129340398")],
        accessToken: String = "sim-access-token", appSecret: String = "sim-app-secret", webhookURL: String? = nil,
        publicBaseURL: String = "http://127.0.0.1:8090", throughputPerSecond: Int = 80, webhookTimeout: TimeInterval = 10,
        retryBaseDelay: TimeInterval = 1, maxDeliveryAttempts: Int = 8, autoRead: Bool = false,
        failedStatusContacts: Bool = true
    ) {
        self.phoneNumbers = phoneNumbers
        self.accessToken = accessToken
        self.appSecret = appSecret
        self.webhookURL = webhookURL
        self.publicBaseURL = publicBaseURL
        self.throughputPerSecond = throughputPerSecond
        self.webhookTimeout = webhookTimeout
        self.retryBaseDelay = retryBaseDelay
        self.maxDeliveryAttempts = maxDeliveryAttempts
        self.autoRead = autoRead
        self.failedStatusContacts = failedStatusContacts
    }
}
