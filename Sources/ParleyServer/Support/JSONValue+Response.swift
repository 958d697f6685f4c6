import ParleyCore
import Vapor

extension JSONValue: AsyncResponseEncodable {
    public func encodeResponse(for request: Request) async throws -> Response {
        response(status: .ok)
    }

    func response(status: HTTPResponseStatus) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .json
        return Response(status: status, headers: headers, body: .init(buffer: ByteBuffer(bytes: encodedBytes())))
    }
}

extension JSONValue {
    init(_ date: Date?) { self = date.map { .string($0.iso8601) } ?? .null }
}
