import ParleyCore

extension AuditModel {
    /// Zendesk's audit: each event gets an id; a Comment event carries the whole comment, with the comment's id.
    /// `comments`: this audit's comments, oldest first. An event names its comment's id when the audit was written
    /// before comments were found by their audit (or was just written); otherwise Comment events take the comments
    /// in order, as they were written.
    func json(baseURL: String, comments: [CommentModel], attachments: [Int: [AttachmentModel]]) -> JSONValue {
        let auditID = id ?? 0
        let byID = Dictionary(comments.map { ($0.id ?? 0, $0) }, uniquingKeysWith: { first, _ in first })
        let named = Set(events.compactMap { $0.type == .comment ? $0.data["comment_id"]?.intValue : nil })
        var unnamed = comments.filter { !named.contains($0.id ?? 0) }.makeIterator()
        let rendered: [JSONValue] = events.enumerated().map { index, event in
            var object: [String: JSONValue] = ["id": .int(auditID * 1000 + index), "type": .string(event.type.rawValue)]
            if let field = event.fieldName { object["field_name"] = .string(field) }
            if let value = event.value { object["value"] = value }
            if event.type == .change || event.previousValue != nil { object["previous_value"] = event.previousValue ?? .null }
            for (key, value) in event.data { object[key] = value }
            if event.type == .comment,
                let comment = event.data["comment_id"]?.intValue.map({ byID[$0] }) ?? unnamed.next(),
                case .object(let commentJSON) = comment.json(baseURL: baseURL, attachments: attachments[comment.id ?? 0] ?? [])
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
