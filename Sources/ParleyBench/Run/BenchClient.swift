import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import ParleyJSON

/// The benchmark's own calls (setting up, polling): JSON in, JSON out, errors with the body that explains them.
struct BenchClient: Sendable {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    let http: HTTPClient
    let baseURL: String
    var authorization: String?

    @discardableResult
    func call(_ method: HTTPMethod, _ path: String, json: JSONValue? = nil, expect: ClosedRange<Int> = 200...299) async throws -> JSONValue {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        if let authorization { request.headers.add(name: "Authorization", value: authorization) }
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(data: json.encoded()))
        }
        let response = try await http.execute(request, timeout: .seconds(120))
        let body = try await response.body.collect(upTo: 16 << 20)
        let status = Int(response.status.code)
        guard expect.contains(status) else {
            throw Failure(description: "\(method) \(path) -> \(status) \(String(buffer: body).prefix(500))")
        }
        return (try? JSONValue.parse(Data(buffer: body))) ?? .null
    }

    /// Polls until `ready` or the time is up.
    func waitUntil(_ what: String, timeout: Double, _ ready: () async throws -> Bool) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if (try? await ready()) == true { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw Failure(description: "timed out after \(Int(timeout)) s waiting for \(what)")
    }
}
