import Fluent
import Foundation

/// Every WhatsApp message id Parley accepted, unique: inserting it first in the message's transaction makes a
/// redelivered webhook a no-op without a read-then-write race.
final class InboundMessageModel: Model, @unchecked Sendable {
    static let schema = "whatsapp_inbound"

    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "wamid") var wamid: String
    @Field(key: "integration_id") var integrationID: Int
    @Field(key: "kind") var kind: String
    @Field(key: "received_at") var receivedAt: Date

    /// Listed by hand: Fluent finds them by reflection otherwise, on every query, its costliest step (kept in
    /// step with the declarations above by ModelPropertiesTests).
    var properties: [any AnyProperty] { [$id, $wamid, $integrationID, $kind, $receivedAt] }

    init() {}

    init(wamid: String, integrationID: Int, kind: String, receivedAt: Date) {
        self.wamid = wamid
        self.integrationID = integrationID
        self.kind = kind
        self.receivedAt = receivedAt
    }
}
