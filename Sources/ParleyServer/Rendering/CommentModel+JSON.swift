import Foundation
import ParleyCore

extension CommentModel {
    func json(baseURL: String, attachments: [AttachmentModel]) -> JSONValue {
        let metadata = self.metadata.flatMap { try? JSONValue.parse(Data($0.utf8)) }
        let error = deliveryError.flatMap { try? JSONValue.parse(Data($0.utf8)) }
        return [
            "id": .int(id ?? 0),
            "type": "Comment",
            "author_id": JSONValue(authorID),
            "body": .string(body),
            "html_body": .string(htmlBody ?? CommentHTML.render(body)),
            "plain_body": .string(body),
            "public": .bool(isPublic),
            "audit_id": JSONValue(auditID),
            "attachments": .array(attachments.map { $0.json(baseURL: baseURL) }),
            "via": ["channel": .string(viaChannel), "source": ["from": [:], "to": [:], "rel": .null]],
            "metadata": metadata ?? ["system": [:], "custom": [:]],
            "delivery_status": JSONValue(deliveryStatus),
            "delivery_error": error ?? .null,
            "external_message_id": JSONValue(externalMessageID),
            "created_at": JSONValue(createdAt),
        ]
    }
}
