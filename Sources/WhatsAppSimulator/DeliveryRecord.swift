import ParleyJSON

/// What happened to one webhook body: how often it was tried, the last answer, and whether it got through.
public struct DeliveryRecord: Sendable, Equatable {
    public var ticket: Int
    public var attempts: Int = 0
    public var lastStatus: Int?
    public var delivered = false
    public var gaveUp = false
    public var duplicated = false

    public var json: JSONValue {
        [
            "ticket": .int(ticket), "attempts": .int(attempts), "last_status": lastStatus.map(JSONValue.int) ?? .null,
            "delivered": .bool(delivered), "gave_up": .bool(gaveUp), "duplicated": .bool(duplicated),
        ]
    }
}
