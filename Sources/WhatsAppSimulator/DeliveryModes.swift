/// Ways the simulator can deliver webhooks less politely, as Meta does: twice, late, shuffled, batched.
public struct DeliveryModes: Sendable, Equatable {
    /// Share of bodies delivered a second time (0…1).
    public var duplicateRate: Double = 0
    /// Bodies waiting to be combined into one (1 = each alone).
    public var batchSize: Int = 1
    /// Deliver a batch's items in random order.
    public var shuffle: Bool = false
    /// Combine as separate entries rather than as several messages of one change.
    public var separateEntries: Bool = false

    public init(duplicateRate: Double = 0, batchSize: Int = 1, shuffle: Bool = false, separateEntries: Bool = false) {
        self.duplicateRate = duplicateRate
        self.batchSize = batchSize
        self.shuffle = shuffle
        self.separateEntries = separateEntries
    }
}
