import Foundation
import ParleyCore

extension TicketRow {
    var viaJSON: JSONValue {
        let source = viaSource.flatMap { try? JSONValue.parse(Data($0.utf8)) }
        return ["channel": .string(viaChannel), "source": source ?? ["from": [:], "to": [:], "rel": .null]]
    }

    func json(baseURL: String) -> JSONValue {
        return [
            "id": .int(id),
            "url": .string("\(baseURL)/api/v2/tickets/\(id).json"),
            "external_id": JSONValue(externalID),
            "type": JSONValue(type),
            "subject": JSONValue(subject),
            "raw_subject": JSONValue(subject),
            "description": JSONValue(description),
            "priority": JSONValue(priority),
            "status": .string(status),
            "recipient": .null,
            "requester_id": JSONValue(requesterID),
            "submitter_id": JSONValue(submitterID),
            "assignee_id": JSONValue(assigneeID),
            "organization_id": .null,
            "group_id": JSONValue(groupID),
            "collaborator_ids": [],
            "follower_ids": [],
            "email_cc_ids": [],
            "problem_id": .null,
            "has_incidents": false,
            "is_public": true,
            "due_at": .null,
            "tags": JSONValue(tags),
            "custom_fields": [],
            "fields": [],
            "satisfaction_rating": .null,
            "sharing_agreement_ids": [],
            "followup_ids": [],
            "via_followup_source_id": JSONValue(followupSourceID),
            "brand_id": .null,
            "allow_channelback": false,
            "allow_attachments": true,
            "from_messaging_channel": .bool(viaChannel == Channel.whatsapp.rawValue),
            "via": viaJSON,
            "created_at": JSONValue(createdAt),
            "updated_at": JSONValue(updatedAt),
            "solved_at": JSONValue(solvedAt),
            "last_end_user_message_at": JSONValue(lastEndUserMessageAt),
        ]
    }
}
