import Fluent
import Foundation
import ParleyCore

final class TicketModel: Model, @unchecked Sendable {
    static let schema = "tickets"

    @ID(custom: "id", generatedBy: .database) var id: Int?
    @OptionalField(key: "subject") var subject: String?
    @OptionalField(key: "description") var description: String?
    @Field(key: "status") var status: String
    @OptionalField(key: "priority") var priority: String?
    @OptionalField(key: "type") var type: String?
    /// Space-separated, as Zendesk shows tags; kept as one column so both databases store it the same way.
    @Field(key: "tags") var tagsText: String
    @OptionalField(key: "requester_id") var requesterID: Int?
    @OptionalField(key: "submitter_id") var submitterID: Int?
    @OptionalField(key: "assignee_id") var assigneeID: Int?
    @OptionalField(key: "group_id") var groupID: Int?
    @OptionalField(key: "external_id") var externalID: String?
    @Field(key: "via_channel") var viaChannel: String
    @OptionalField(key: "via_source") var viaSource: String?
    @OptionalField(key: "followup_source_id") var followupSourceID: Int?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date
    @OptionalField(key: "solved_at") var solvedAt: Date?
    @OptionalField(key: "last_end_user_message_at") var lastEndUserMessageAt: Date?
    @OptionalField(key: "whatsapp_integration_id") var whatsappIntegrationID: Int?
    /// When the ticket last changed status, was assigned, and heard from its requester (automation time conditions).
    @OptionalField(key: "status_changed_at") var statusChangedAt: Date?
    @OptionalField(key: "assigned_at") var assignedAt: Date?
    @OptionalField(key: "requester_updated_at") var requesterUpdatedAt: Date?

    /// Listed by hand: Fluent finds them by reflection otherwise, on every query, its costliest step (kept in
    /// step with the declarations above by ModelPropertiesTests).
    var properties: [any AnyProperty] {
        [
            $id, $subject, $description, $status, $priority, $type, $tagsText, $requesterID, $submitterID, $assigneeID,
            $groupID, $externalID, $viaChannel, $viaSource, $followupSourceID, $createdAt, $updatedAt, $solvedAt,
            $lastEndUserMessageAt, $whatsappIntegrationID, $statusChangedAt, $assignedAt, $requesterUpdatedAt
        ]
    }

    init() {}

    var tags: [String] {
        get { tagsText.split(separator: " ").map(String.init) }
        set { tagsText = newValue.joined(separator: " ") }
    }

    var snapshot: TicketSnapshot {
        TicketSnapshot(
            subject: subject, description: description, status: TicketStatus(rawValue: status) ?? .open,
            priority: priority.flatMap(TicketPriority.init), type: type.flatMap(TicketType.init), tags: tags,
            requesterID: requesterID, submitterID: submitterID, assigneeID: assigneeID, groupID: groupID,
            externalID: externalID, solvedAt: solvedAt)
    }

    /// On a stored ticket only what differs is assigned: Fluent writes every assigned field, and an UPDATE that
    /// names the subject or status (even unchanged) runs the search index's and the kept counts' triggers.
    func apply(_ snapshot: TicketSnapshot) {
        // Plain assignments, not a key-path helper: setting through a key path reads the field first, which
        // Fluent forbids on a new ticket's unset fields.
        let stored = $id.exists
        let tagsText = snapshot.tags.joined(separator: " ")
        if !stored || subject != snapshot.subject { subject = snapshot.subject }
        if !stored || description != snapshot.description { description = snapshot.description }
        if !stored || status != snapshot.status.rawValue { status = snapshot.status.rawValue }
        if !stored || priority != snapshot.priority?.rawValue { priority = snapshot.priority?.rawValue }
        if !stored || type != snapshot.type?.rawValue { type = snapshot.type?.rawValue }
        if !stored || self.tagsText != tagsText { self.tagsText = tagsText }
        if !stored || requesterID != snapshot.requesterID { requesterID = snapshot.requesterID }
        if !stored || submitterID != snapshot.submitterID { submitterID = snapshot.submitterID }
        if !stored || assigneeID != snapshot.assigneeID { assigneeID = snapshot.assigneeID }
        if !stored || groupID != snapshot.groupID { groupID = snapshot.groupID }
        if !stored || externalID != snapshot.externalID { externalID = snapshot.externalID }
        if !stored || solvedAt != snapshot.solvedAt { solvedAt = snapshot.solvedAt }
    }
}
