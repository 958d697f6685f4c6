import ParleyCore

extension AttachmentModel {
    func json(baseURL: String) -> JSONValue {
        let id = self.id ?? 0
        return [
            "id": .int(id),
            "url": .string("\(baseURL)/api/v2/attachments/\(id).json"),
            "file_name": .string(fileName),
            "content_url": .string("\(baseURL)/api/v2/attachments/\(id)/content"),
            "mapped_content_url": .string("\(baseURL)/api/v2/attachments/\(id)/content"),
            "content_type": .string(contentType),
            "size": .int(size),
            "sha256": .string(sha256),
            "inline": false,
            "deleted": false,
            "malware_access_override": false,
            "malware_scan_result": "not_scanned",
            "thumbnails": [],
            // Channel media is downloaded after the webhook is answered: pending, stored or failed.
            "status": .string(mediaStatus ?? "stored"),
            "status_detail": JSONValue(mediaError),
        ]
    }
}
