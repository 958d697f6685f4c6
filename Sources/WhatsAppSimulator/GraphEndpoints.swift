import Foundation
import ParleyJSON
import Vapor
import WhatsAppCloud

/// Meta's Graph API paths, under `/{version}/…` (any `vNN.N`), as Parley and pywa call them.
struct GraphEndpoints: RouteCollection {
    let simulator: Simulator
    /// Far above any valid send (a full text, a template with many parameters, interactive lists).
    static let maxMessageBody: ByteCount = "1mb"

    func boot(routes: RoutesBuilder) throws {
        // Vapor's default 16 KB would refuse a legal text: 4096 emoji, JSON-escaped as surrogate pairs, are 48 KB.
        routes.on(.POST, ":version", ":node", "messages", body: .collect(maxSize: Self.maxMessageBody), use: sendMessage)
        routes.on(.POST, ":version", ":node", "media", body: .collect(maxSize: "110mb"), use: uploadMedia)
        routes.get(":version", ":node", "message_templates", use: templates)
        routes.get(":version", ":node", use: mediaInfo)
        routes.delete(":version", ":node", use: deleteMedia)
        routes.get("_media", ":media_id", use: download)
    }

    func sendMessage(req: Request) async throws -> Response {
        try await answer(req) {
            let body = try req.body.data.map { try JSONValue.parse(Data(buffer: $0)) } ?? .null
            guard body.objectValue != nil else { throw GraphFailure.invalidParameter("the body must be a JSON object") }
            return try await simulator.handleSend(phoneNumberID: node(req), token: bearer(req), body: body)
        }
    }

    func uploadMedia(req: Request) async throws -> Response {
        struct Form: Content {
            var file: File
            var type: String?
            var messaging_product: String?
        }
        return try await answer(req) {
            guard let form = try? req.content.decode(Form.self) else {
                throw GraphFailure.invalidParameter("multipart fields file, type and messaging_product are required")
            }
            guard form.messaging_product == "whatsapp" else {
                throw GraphFailure.invalidParameter("messaging_product must be \"whatsapp\"")
            }
            let mime = form.type ?? form.file.contentType.map { "\($0.type)/\($0.subType)" } ?? ""
            let id = try await simulator.upload(
                phoneNumberID: node(req), token: bearer(req), data: Data(buffer: form.file.data), mimeType: mime,
                fileName: form.file.filename)
            return ["id": .string(id)]
        }
    }

    func mediaInfo(req: Request) async throws -> Response {
        try await answer(req) {
            let host = req.headers.first(name: .host).map { "http://\($0)" }
            let info = try await simulator.mediaInfo(id: node(req), token: bearer(req), baseURL: host)
            return try JSONValue.parse(JSONEncoder().encode(info))
        }
    }

    func deleteMedia(req: Request) async throws -> Response {
        try await answer(req) {
            try await simulator.deleteMedia(id: node(req), token: bearer(req))
            return ["success": true]
        }
    }

    func templates(req: Request) async throws -> Response {
        try await answer(req) {
            let list = try await simulator.listTemplates(wabaID: node(req), token: bearer(req))
            let data = try JSONValue.parse(JSONEncoder().encode(list))
            return ["data": data, "paging": ["cursors": ["before": "MAZDZD", "after": "MjQZD"]]]
        }
    }

    func download(req: Request) async throws -> Response {
        do {
            let item = try await simulator.mediaBytes(id: req.parameters.get("media_id") ?? "", token: bearer(req))
            var headers = HTTPHeaders()
            headers.replaceOrAdd(name: .contentType, value: item.mimeType)
            return Response(status: .ok, headers: headers, body: .init(data: item.data))
        } catch {
            return try await failure(error)
        }
    }

    private func node(_ req: Request) -> String { req.parameters.get("node") ?? "" }

    private func bearer(_ req: Request) -> String? { req.headers.bearerAuthorization?.token }

    private func answer(_ req: Request, _ body: () async throws -> JSONValue) async throws -> Response {
        guard let version = req.parameters.get("version"), version.hasPrefix("v") else {
            return try await failure(GraphFailure.unknownObject(req.url.path))
        }
        do {
            var headers = HTTPHeaders()
            headers.contentType = .json
            return Response(status: .ok, headers: headers, body: .init(data: try await body().encoded()))
        } catch {
            return try await failure(error)
        }
    }

    private func failure(_ error: Error) async throws -> Response {
        if let timeout = error as? SimulatedTimeout {
            try await Task.sleep(for: .milliseconds(Int64(timeout.seconds * 1000)))
            return Response(status: .gatewayTimeout)
        }
        let failure = (error as? GraphFailure) ?? .invalidParameter("the body is not valid JSON")
        var headers = HTTPHeaders()
        headers.contentType = .json
        if failure.code == 190 { headers.replaceOrAdd(name: "WWW-Authenticate", value: "OAuth \"Facebook Platform\" \"invalid_token\"") }
        return Response(status: HTTPResponseStatus(statusCode: failure.httpStatus), headers: headers, body: .init(data: failure.body()))
    }
}
