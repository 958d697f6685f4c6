import Fluent
import Foundation
import ParleyCore

/// One change to a ticket with its events: together the audits are the ticket's event log.
final class AuditModel: Model, @unchecked Sendable {
    static let schema = "audits"

    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "ticket_id") var ticketID: Int
    @OptionalField(key: "author_id") var authorID: Int?
    @Field(key: "via_channel") var viaChannel: String
    @Field(key: "events") var eventsJSON: String
    @Field(key: "created_at") var createdAt: Date

    /// Listed by hand: Fluent finds them by reflection otherwise, on every query, its costliest step (kept in
    /// step with the declarations above by ModelPropertiesTests).
    var properties: [any AnyProperty] { [$id, $ticketID, $authorID, $viaChannel, $eventsJSON, $createdAt] }

    init() {}

    init(ticketID: Int, authorID: Int?, via: Channel, events: [AuditEvent], now: Date) {
        self.ticketID = ticketID
        self.authorID = authorID
        self.viaChannel = via.rawValue
        self.events = events
        self.createdAt = now
    }

    var events: [AuditEvent] {
        get { AuditEvent.events(storedText: eventsJSON) }
        set { eventsJSON = AuditEvent.storedText(newValue) }
    }
}
