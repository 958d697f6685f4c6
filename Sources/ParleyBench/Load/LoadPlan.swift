import Foundation

/// What one load-generator process (`parley bench-load`) does: `count` requests against a loopback server, at most
/// `concurrency` at a time, paced at `ratePerSecond` when set (else as fast as the server answers), never longer
/// than `timeLimitSeconds`.
public struct LoadPlan: Codable, Sendable {
    public enum Work: Codable, Sendable {
        /// Signed WhatsApp webhooks with text messages from `users` distinct end users.
        case webhooks(WebhookWork)
        /// API requests, taken in turn until `count` were sent.
        case requests([RequestTemplate])
    }

    public var baseURL: String
    public var work: Work
    public var count: Int
    public var concurrency: Int
    public var ratePerSecond: Double?
    public var timeLimitSeconds: Double

    public init(baseURL: String, work: Work, count: Int, concurrency: Int, ratePerSecond: Double? = nil, timeLimitSeconds: Double) {
        self.baseURL = baseURL
        self.work = work
        self.count = count
        self.concurrency = concurrency
        self.ratePerSecond = ratePerSecond
        self.timeLimitSeconds = timeLimitSeconds
    }
}

public struct WebhookWork: Codable, Sendable {
    public var appSecret: String
    public var phoneNumberID: String
    public var displayNumber: String
    public var wabaID: String
    public var users: Int
    /// Users are numbered from here, so that runs can add users or reuse them.
    public var firstUser: Int
    public var messagesPerBody: Int

    public init(appSecret: String, phoneNumberID: String, displayNumber: String, wabaID: String, users: Int,
                firstUser: Int = 0, messagesPerBody: Int = 1) {
        self.appSecret = appSecret
        self.phoneNumberID = phoneNumberID
        self.displayNumber = displayNumber
        self.wabaID = wabaID
        self.users = users
        self.firstUser = firstUser
        self.messagesPerBody = messagesPerBody
    }
}

public struct RequestTemplate: Codable, Sendable {
    public var method: String
    public var path: String
    public var headers: [String: String]
    public var body: String?

    public init(method: String, path: String, headers: [String: String] = [:], body: String? = nil) {
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body
    }
}
