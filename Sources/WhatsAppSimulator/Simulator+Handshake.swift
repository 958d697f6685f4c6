import AsyncHTTPClient
import Foundation
import ParleyJSON

extension Simulator {
    public func setTimeoutFaultSeconds(_ seconds: Double) { timeoutFaultSeconds = max(0, seconds) }

    func mediaForPhone(_ id: String) -> StoredMedia? { media[id] }

    /// Performs Meta's `GET` verification against the webhook URL and reports whether the challenge came back.
    public func verifyWebhook(verifyToken: String, url: String? = nil) async -> JSONValue {
        let current = await delivery.currentWebhookURL()
        guard let target = url ?? current else { return ["ok": false, "error": "no webhook URL"] }
        let challenge = String(UInt64.random(in: 1_000_000_000...9_999_999_999))
        var components = URLComponents(string: target)
        components?.queryItems = [
            URLQueryItem(name: "hub.mode", value: "subscribe"), URLQueryItem(name: "hub.verify_token", value: verifyToken),
            URLQueryItem(name: "hub.challenge", value: challenge),
        ]
        guard let full = components?.string else { return ["ok": false, "error": "bad webhook URL"] }
        do {
            let response = try await client.execute(HTTPClientRequest(url: full), timeout: .seconds(10))
            let body = String(buffer: try await response.body.collect(upTo: 1 << 16))
            let ok = response.status.code == 200 && body == challenge
            return ["ok": .bool(ok), "status": .int(Int(response.status.code)), "challenge_echoed": .bool(body == challenge)]
        } catch {
            return ["ok": false, "error": .string("no answer from \(target)")]
        }
    }
}
