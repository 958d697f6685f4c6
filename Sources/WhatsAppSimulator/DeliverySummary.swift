import ParleyJSON

/// Totals over every webhook body the simulator queued: what a long test waits on and reports.
public struct DeliverySummary: Sendable, Equatable {
    /// Bodies queued (a message, a status…), before batching.
    public var queued = 0
    public var delivered = 0
    public var gaveUp = 0
    /// Neither delivered nor given up yet.
    public var pending = 0
    /// POSTs made for them, retries and deliberate second deliveries included.
    public var attempts = 0
    /// Bodies delivered a second time on purpose (the duplicate-rate mode).
    public var duplicated = 0
    /// Bodies that needed more than one attempt to get through.
    public var retried = 0
    /// Webhook bodies sent (a batch is one), and those sent a second time on purpose.
    public var batches = 0
    public var duplicatedBatches = 0

    public init(_ records: some Sequence<DeliveryRecord>, batches: Int = 0, duplicatedBatches: Int = 0) {
        self.batches = batches
        self.duplicatedBatches = duplicatedBatches
        for record in records {
            queued += 1
            attempts += record.attempts
            if record.delivered { delivered += 1 } else if record.gaveUp { gaveUp += 1 } else { pending += 1 }
            if record.duplicated { duplicated += 1 }
            if record.delivered && record.attempts > (record.duplicated ? 2 : 1) { retried += 1 }
        }
    }

    public var json: JSONValue {
        [
            "queued": .int(queued), "delivered": .int(delivered), "gave_up": .int(gaveUp), "pending": .int(pending),
            "attempts": .int(attempts), "duplicated": .int(duplicated), "retried": .int(retried),
            "batches": .int(batches), "duplicated_batches": .int(duplicatedBatches),
        ]
    }
}
