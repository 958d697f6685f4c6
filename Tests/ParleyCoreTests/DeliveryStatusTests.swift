import ParleyCore
import Testing

@Suite("Delivery status")
struct DeliveryStatusTests {
    @Test func movesForwardOnly() {
        #expect(DeliveryStatus.queued.advanced(to: .sent) == .sent)
        #expect(DeliveryStatus.sent.advanced(to: .delivered) == .delivered)
        #expect(DeliveryStatus.read.advanced(to: .delivered) == .read, "a late delivered does not unread")
        #expect(DeliveryStatus.delivered.advanced(to: .sent) == .delivered)
        #expect(DeliveryStatus.queued.advanced(to: .read) == .read, "read may come first")
    }

    @Test func failedIsFinalButCannotUndoDelivery() {
        for status in DeliveryStatus.allCases { #expect(DeliveryStatus.failed.advanced(to: status) == .failed) }
        #expect(DeliveryStatus.sent.advanced(to: .failed) == .failed)
        #expect(DeliveryStatus.queued.advanced(to: .failed) == .failed)
        #expect(DeliveryStatus.delivered.advanced(to: .failed) == .delivered)
        #expect(DeliveryStatus.read.advanced(to: .failed) == .read)
    }

    @Test func anyOrderOfTheSameReportsEndsTheSame() {
        let reports: [DeliveryStatus] = [.sent, .delivered, .read]
        func permutations(_ items: [DeliveryStatus]) -> [[DeliveryStatus]] {
            guard items.count > 1 else { return [items] }
            return items.indices.flatMap { index -> [[DeliveryStatus]] in
                var rest = items
                let head = rest.remove(at: index)
                return permutations(rest).map { [head] + $0 }
            }
        }
        for order in permutations(reports) {
            #expect(order.reduce(DeliveryStatus.queued) { $0.advanced(to: $1) } == .read)
        }
    }

    @Test func whatsAppNames() {
        #expect(DeliveryStatus(whatsApp: "played") == .read)
        #expect(DeliveryStatus(whatsApp: "failed") == .failed)
        #expect(DeliveryStatus(whatsApp: "deleted") == nil)
    }
}
