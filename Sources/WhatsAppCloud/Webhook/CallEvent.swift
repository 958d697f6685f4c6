import Foundation

/// `value.calls[]` on field `calls`: a user tried to call. Parley never answers; it records the attempt.
public struct CallEvent: Codable, Sendable, Equatable {
    public var id: String
    public var from: String?
    public var to: String?
    public var event: String?
    public var timestamp: String?
    public var direction: String?
    public var status: String?
    public var duration: Int?

    public init(id: String, from: String?, to: String?, event: String?, timestamp: String?, direction: String?) {
        self.id = id
        self.from = from
        self.to = to
        self.event = event
        self.timestamp = timestamp
        self.direction = direction
    }

    public var at: Date? { timestamp.flatMap(TimeInterval.init).map(Date.init(timeIntervalSince1970:)) }
}
