import Fluent
import Foundation
import ParleyJSON
@testable import ParleyServer
import Testing
import WhatsAppCloud
import WhatsAppSimulator

/// Malformed but correctly signed webhook bodies against the live endpoint: every answer is 2xx or 4xx, never 5xx,
/// and the endpoint still stores a good message afterwards.
@Suite("Webhook endpoint fuzz")
struct WebhookFuzzTests {
    @Test func malformedSignedBodiesGetNo5xx() async throws {
        let corpus = try Self.corpus()
        try await ChannelHarness.with { h in
            var mutator = WebhookMutator(seed: 7_2026)
            var statuses: [UInt: Int] = [:]
            for index in 0..<1_000 {
                let body = mutator.mutate(corpus[index % corpus.count])
                let reply = try await h.post(body)
                statuses[reply.status.code, default: 0] += 1
                if reply.status.code >= 500 {
                    Issue.record("\(reply.status.code) for body #\(index): \(String(decoding: body.prefix(600), as: UTF8.self))")
                    return
                }
            }
            print("endpoint fuzz: 1000 signed malformed bodies, answers \(statuses.sorted { $0.key < $1.key })")
            #expect(statuses.keys.allSatisfy { $0 < 500 })
            // Still healthy: a good message is stored.
            let good = WebhookFactory.textMessage(
                .init(id: ChannelHarness.phoneID, displayNumber: "15550001234", wabaID: ChannelHarness.wabaID),
                from: SimulatedUser(bsuid: "US.4000000000000000001", name: "After Fuzz", phone: "4915100000777", username: nil),
                text: "still here", sentAt: Date())
            let reply = try await h.post(good.encoded())
            #expect(reply.status == .ok)
            #expect(try await CommentModel.query(on: h.parley.app.db).filter(\.$body == "still here").count() == 1)
        }
    }

    /// The corpus, pointed at the harness's number (as the corpus test does).
    static func corpus() throws -> [JSONValue] {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("shared/corpus/pywa-updates")
        let files = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
        var bodies: [JSONValue] = []
        for file in files {
            let samples = try JSONValue.parse(Data(contentsOf: file)).objectValue ?? [:]
            for (_, sample) in samples.sorted(by: { $0.key < $1.key }) {
                let text = sample.encodedString()
                    .replacingOccurrences(of: "\"phone_number_id\":\"", with: "\"phone_number_id\":\"\(ChannelHarness.phoneID)\",\"_was\":\"")
                bodies.append(try JSONValue.parse(Data(text.utf8)))
            }
        }
        return bodies
    }
}
