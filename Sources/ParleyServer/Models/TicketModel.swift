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

    /// Only what differs is assigned: an UPDATE that names the subject or status (even unchanged) runs the search
    /// index's and the kept counts' triggers.
    func apply(_ snapshot: TicketSnapshot) {
        $subject.change(to: snapshot.subject)
        $description.change(to: snapshot.description)
        $status.change(to: snapshot.status.rawValue)
        $priority.change(to: snapshot.priority?.rawValue)
        $type.change(to: snapshot.type?.rawValue)
        $tagsText.change(to: snapshot.tags.joined(separator: " "))
        $requesterID.change(to: snapshot.requesterID)
        $submitterID.change(to: snapshot.submitterID)
        $assigneeID.change(to: snapshot.assigneeID)
        $groupID.change(to: snapshot.groupID)
        $externalID.change(to: snapshot.externalID)
        $solvedAt.change(to: snapshot.solvedAt)
    }
}
