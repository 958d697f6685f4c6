import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import ParleyJSON

/// The Graph API over HTTP. `baseURL` includes the version (`https://graph.facebook.com/v21.0`), so the same
/// client works against Meta and against the simulator.
public struct LiveGraphAPI: GraphAPI {
    public let baseURL: String
    public let client: HTTPClient
    public let timeout: TimeAmount

    public init(baseURL: String, client: HTTPClient, timeout: TimeAmount = .seconds(20)) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.client = client
        self.timeout = timeout
    }

    public func send(_ message: OutboundMessage, phoneNumberID: String, token: String) async throws -> SendResponse {
        let data = try await call(.POST, "\(baseURL)/\(phoneNumberID)/messages", token: token,
                                  body: message.body.encoded(), contentType: "application/json")
        return try decode(SendResponse.self, data)
    }

    public func markRead(messageID: String, phoneNumberID: String, token: String) async throws {
        let data = try await call(.POST, "\(baseURL)/\(phoneNumberID)/messages", token: token,
                                  body: OutboundMessage.markRead(messageID: messageID).body.encoded(),
                                  contentType: "application/json")
        guard (try? JSONValue.parse(data))?["success"]?.boolValue == true else {
            throw GraphAPIError.invalidResponse("mark-read answer is not {\"success\": true}")
        }
    }

    public func uploadMedia(_ data: Data, mimeType: String, fileName: String, phoneNumberID: String, token: String)
        async throws -> String
    {
        let boundary = "parley-" + UUID().uuidString
        var body = Data()
        func field(_ name: String, _ value: String) {
            body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8))
        }
        field("messaging_product", "whatsapp")
        field("type", mimeType)
        let safeName = fileName.replacingOccurrences(of: "\"", with: "_").replacingOccurrences(of: "\r", with: "")
            .replacingOccurrences(of: "\n", with: "")
        body.append(Data(("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(safeName)\"\r\n"
            + "Content-Type: \(mimeType)\r\n\r\n").utf8))
        body.append(data)
        body.append(Data("\r\n--\(boundary)--\r\n".utf8))
        let answer = try await call(.POST, "\(baseURL)/\(phoneNumberID)/media", token: token, body: body,
                                    contentType: "multipart/form-data; boundary=\(boundary)")
        guard let id = try? JSONValue.parse(answer)["id"]?.stringValue else {
            throw GraphAPIError.invalidResponse("upload answer has no id")
        }
        return id
    }

    public func mediaInfo(id: String, token: String) async throws -> MediaInfo {
        try decode(MediaInfo.self, try await call(.GET, "\(baseURL)/\(id)", token: token))
    }

    public func download(url: String, token: String) async throws -> Data {
        try await call(.GET, url, token: token)
    }

    public func templates(wabaID: String, token: String) async throws -> [MessageTemplate] {
        struct Page: Decodable {
            let data: [MessageTemplate]
            let paging: Paging?
            struct Paging: Decodable { let next: String? }
        }
        var result: [MessageTemplate] = []
        var next: String? = "\(baseURL)/\(wabaID)/message_templates?limit=100"
        var pages = 0
        while let url = next, pages < 100 {
            let page = try decode(Page.self, try await call(.GET, url, token: token))
            result += page.data
            next = page.paging?.next
            pages += 1
        }
        return result
    }

    private func call(_ method: HTTPMethod, _ url: String, token: String, body: Data? = nil, contentType: String? = nil)
        async throws -> Data
    {
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        if let body {
            request.body = .bytes(ByteBuffer(bytes: body))
            request.headers.add(name: "Content-Type", value: contentType ?? "application/octet-stream")
        }
        let response: HTTPClientResponse
        let bytes: ByteBuffer
        do {
            response = try await client.execute(request, timeout: timeout)
            bytes = try await response.body.collect(upTo: 110 * 1024 * 1024)
        } catch {
            throw GraphAPIError.transport(String(describing: type(of: error)))
        }
        let data = Data(bytes.readableBytesView)
        guard (200..<300).contains(Int(response.status.code)) else {
            if let body = try? JSONDecoder().decode(GraphErrorBody.self, from: data) {
                throw GraphAPIError.api(status: Int(response.status.code), code: body.error.code,
                                        message: body.error.message, details: body.error.errorData?.details)
            }
            throw GraphAPIError.api(status: Int(response.status.code), code: Int(response.status.code),
                                    message: "HTTP \(response.status.code)", details: nil)
        }
        return data
    }

    private func decode<T: Decodable>(_ type: T.Type, _ data: Data) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch {
            throw GraphAPIError.invalidResponse("could not read \(T.self)")
        }
    }
}
