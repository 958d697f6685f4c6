import ParleyCore
import Vapor

/// A ticket create or update body in Zendesk's format, read into a `TicketUpdate`.
struct TicketRequest {
    struct Requester {
        var name: String?
        var email: String?
        var phone: String?
    }

    var update = TicketUpdate()
    var requester: Requester?
    /// Macros to apply with this update (Zendesk's `macro_ids`).
    var macroIDs: [Int] = []

    /// Every field of Zendesk's ticket object, so clients that send a whole ticket back are accepted;
    /// those Parley does not change are ignored.
    static let knownFields: Set<String> = [
        "id", "url", "external_id", "type", "subject", "raw_subject", "description", "priority", "status",
        "recipient", "requester_id", "requester", "submitter_id", "assignee_id", "organization_id", "group_id",
        "collaborator_ids", "collaborators", "follower_ids", "followers", "email_cc_ids", "email_ccs",
        "forum_topic_id", "problem_id", "has_incidents", "is_public", "due_at", "tags", "additional_tags",
        "remove_tags", "custom_fields", "fields", "satisfaction_rating", "sharing_agreement_ids", "followup_ids",
        "via_followup_source_id", "ticket_form_id", "brand_id", "allow_channelback", "allow_attachments",
        "from_messaging_channel", "via", "created_at", "updated_at", "solved_at", "comment", "macro_ids",
        "safe_update", "updated_stamp", "custom_status_id", "metadata", "generated_timestamp",
        "last_end_user_message_at", "whatsapp", "attribute_value_ids", "assignee_email", "encoded_id",
        "result_type",
    ]
    static let commentFields: Set<String> = [
        "id", "type", "body", "html_body", "plain_body", "public", "author_id", "uploads", "attachments",
        "audit_id", "via", "created_at", "metadata", "scoped_body",
    ]
    static let requesterFields: Set<String> = ["name", "email", "phone", "locale_id", "locale"]

    init(_ request: Request, creating: Bool) throws {
        var body = try RequestBody(request, root: "ticket", known: TicketRequest.knownFields)
        update.subject = body.string("subject")
        if let status = body.choice("status", TicketStatus.self) {
            if let status { update.status = status } else { body.fail("status", "cannot be null") }
        }
        update.priority = body.choice("priority", TicketPriority.self)
        update.type = body.choice("type", TicketType.self)
        update.tags = body.strings("tags")
        update.additionalTags = body.strings("additional_tags") ?? []
        update.removeTags = body.strings("remove_tags") ?? []
        update.requesterID = body.int("requester_id")
        update.submitterID = body.int("submitter_id")
        update.assigneeID = body.nullableInt("assignee_id")
        update.groupID = body.nullableInt("group_id")
        update.externalID = body.nullableString("external_id")
        macroIDs = body.ints("macro_ids") ?? []

        if var requester = body.object("requester", known: TicketRequest.requesterFields) {
            self.requester = Requester(
                name: requester.string("name"), email: requester.string("email"), phone: requester.string("phone"))
            if self.requester?.email == nil && self.requester?.phone == nil && self.requester?.name == nil {
                requester.fail("email", "give a name, an email or a phone")
            }
            body.absorb(requester, prefix: "requester")
        }

        if var comment = body.object("comment", known: TicketRequest.commentFields) {
            let html = comment.string("html_body")
            let text = comment.string("body") ?? html.map(TicketRequest.plainText) ?? ""
            update.comment = NewComment(
                body: text, htmlBody: html, isPublic: comment.bool("public") ?? true,
                uploadTokens: comment.strings("uploads") ?? [], authorID: comment.int("author_id"))
            body.absorb(comment, prefix: "comment")
        } else if creating, let description = body.string("description") {
            update.comment = NewComment(body: description)
        }
        try body.validate()
    }

    /// The text of an HTML comment, for clients that send only `html_body`.
    static func plainText(_ html: String) -> String {
        var text = html.replacingOccurrences(of: "<br>", with: "\n").replacingOccurrences(of: "</p>", with: "\n")
        while let open = text.range(of: "<"), let close = text.range(of: ">", range: open.upperBound..<text.endIndex) {
            text.removeSubrange(open.lowerBound..<close.upperBound)
        }
        return text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&").trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
