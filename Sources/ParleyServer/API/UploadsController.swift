import Fluent
import ParleyCore
import Vapor

/// `POST /api/v2/uploads?filename=` stores a file and returns a token that a comment's `uploads` claims;
/// `/api/v2/attachments/{id}` describes a stored file and `/content` downloads it.
struct UploadsController: RouteCollection {
    static let maxUploadBytes = 50 * 1024 * 1024

    func boot(routes: RoutesBuilder) throws {
        routes.on(.POST, "uploads", body: .collect(maxSize: ByteCount(value: Self.maxUploadBytes)), use: upload)
        routes.delete("uploads", ":token", use: deleteUpload)
        routes.get("attachments", ":attachment_id", use: show)
        routes.get("attachments", ":attachment_id", "content", use: content)
    }

    func upload(req: Request) async throws -> Response {
        guard let rawName = req.query[String.self, at: "filename"], !rawName.isEmpty else {
            throw APIError.badRequest("filename is required: POST /api/v2/uploads?filename=name.ext")
        }
        guard let buffer = req.body.data, buffer.readableBytes > 0 else {
            throw APIError.badRequest("The upload is empty: send the file's bytes as the request body")
        }
        let data = Data(buffer: buffer)
        let fileName = FileName.sanitize(rawName)
        let contentType = req.headers.contentType.map { "\($0.type)/\($0.subType)" } ?? "application/octet-stream"
        let token = req.query[String.self, at: "token"] ?? APIToken.generate()
        let hash = try await req.parley.files.store(data)
        let attachment = AttachmentModel()
        attachment.uploadToken = token
        attachment.fileName = fileName
        attachment.contentType = contentType
        attachment.size = data.count
        attachment.sha256 = hash
        attachment.createdAt = req.parley.clock.now
        try await attachment.create(on: req.db)
        let all = try await AttachmentModel.query(on: req.db).filter(\.$uploadToken == token).sort(\.$id).all()
        let body: JSONValue = [
            "upload": [
                "token": .string(token),
                "expires_at": JSONValue(req.parley.clock.now.addingTimeInterval(3 * 24 * 3600)),
                "attachment": attachment.json(baseURL: req.baseURL),
                "attachments": .array(all.map { $0.json(baseURL: req.baseURL) }),
            ]
        ]
        return body.response(status: .created)
    }

    func deleteUpload(req: Request) async throws -> Response {
        guard let token = req.parameters.get("token") else { throw APIError.notFound() }
        let pending = try await AttachmentModel.query(on: req.db)
            .filter(\.$uploadToken == token).filter(\.$commentID == nil).all()
        guard !pending.isEmpty else { throw APIError.notFound() }
        for file in pending { try await file.delete(on: req.db) }
        return Response(status: .noContent)
    }

    func show(req: Request) async throws -> JSONValue {
        ["attachment": try await Self.find(req).json(baseURL: req.baseURL)]
    }

    /// Served as a download with the stored type only when it is harmless to show inline.
    func content(req: Request) async throws -> Response {
        let attachment = try await Self.find(req)
        guard (attachment.mediaStatus ?? "stored") == "stored" else {
            throw APIError(status: .conflict, error: "NotReady",
                           description: "The file is \(attachment.mediaStatus ?? "pending"): it is not downloaded from WhatsApp yet")
        }
        let data = try await req.parley.files.load(attachment.sha256)
        var headers = HTTPHeaders()
        let safeInline = ["image/jpeg", "image/png", "image/gif", "image/webp", "audio/ogg", "audio/mpeg",
                          "audio/aac", "audio/mp4", "video/mp4", "application/pdf", "text/plain"]
        let inline = safeInline.contains(attachment.contentType)
        headers.replaceOrAdd(name: .contentType, value: inline ? attachment.contentType : "application/octet-stream")
        headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        headers.replaceOrAdd(name: "Content-Security-Policy", value: "default-src 'none'; sandbox")
        headers.replaceOrAdd(name: .contentDisposition, value: FileName.contentDisposition(attachment.fileName, inline: inline))
        return Response(status: .ok, headers: headers, body: .init(data: data))
    }

    static func find(_ req: Request) async throws -> AttachmentModel {
        guard let id = req.parameters.get("attachment_id", as: Int.self),
            let attachment = try await AttachmentModel.find(id, on: req.db)
        else { throw APIError.notFound() }
        return attachment
    }
}
