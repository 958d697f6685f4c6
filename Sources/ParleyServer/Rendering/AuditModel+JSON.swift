import ParleyCore

extension AuditModel {
    /// Zendesk's audit: each event gets an id; a Comment event carries the whole comment, with the comment's id.
    func json(baseURL: String, comments: [Int: CommentModel], attachments: [Int: [AttachmentModel]]) -> JSONValue {
        let auditID = id ?? 0
        let rendered: [JSONValue] = events.enumerated().map { index, event in
            var object: [String: JSONValue] = ["id": .int(auditID * 1000 + index), "type": .string(event.type.rawValue)]
            if let field = event.fieldName { object["field_name"] = .string(field) }
            if let value = event.value { object["value"] = value }
            if event.type == .change || event.previousValue != nil { object["previous_value"] = event.previousValue ?? .null }
            for (key, value) in event.data { object[key] = value }
            if event.type == .comment, let commentID = event.data["comment_id"]?.intValue,
                let comment = comments[commentID],
                case .object(let commentJSON) = comment.json(baseURL: baseURL, attachments: attachments[commentID] ?? [])
            {
                for (key, value) in commentJSON where key != "created_at" { object[key] = value }
                object["comment_id"] = nil
            }
            return .object(object)
        }
        return [
            "id": .int(auditID),
            "ticket_id": .int(ticketID),
            "author_id": JSONValue(authorID ?? -1),
            "created_at": JSONValue(createdAt),
            "via": ["channel": .string(viaChannel), "source": ["from": [:], "to": [:], "rel": .null]],
            "metadata": ["system": [:], "custom": [:]],
            "events": .array(rendered),
        ]
    }
}
