import Foundation
import ParleyJSON
import Testing
import WhatsAppCloud

/// The 74 real-shaped webhook bodies of the project's shared corpus (from pywa's test suite) all parse. The tests
/// read the repository's copy (`Tests/Corpus`), so that a clone of the repository alone runs them.
@Suite("Webhook corpus")
struct CorpusTests {
    static var repository: URL {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url
    }

    static var corpusDirectory: URL { repository.appendingPathComponent("Tests/Corpus/pywa-updates") }

    static func samples() throws -> [(String, JSONValue)] {
        let files = try FileManager.default.contentsOfDirectory(at: corpusDirectory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
        var result: [(String, JSONValue)] = []
        for file in files {
            let document = try JSONValue.parse(Data(contentsOf: file))
            for (name, body) in document.objectValue ?? [:] { result.append(("\(file.lastPathComponent)/\(name)", body)) }
        }
        return result.sorted { $0.0 < $1.0 }
    }

    @Test func everySampleParsesAndNothingIsUnreadable() throws {
        let samples = try Self.samples()
        #expect(samples.count == 74)
        var messages = 0, statuses = 0, calls = 0
        for (name, body) in samples {
            let events = try WebhookParser.parse(body.encoded())
            #expect(!events.isEmpty, "\(name)")
            for event in events {
                switch event {
                case .message: messages += 1
                case .status: statuses += 1
                case .call: calls += 1
                case .unreadable: Issue.record("\(name) has an unreadable item")
                default: break
                }
            }
        }
        #expect(messages >= 30)
        #expect(statuses >= 6)
        #expect(calls >= 2)
    }

    /// Beside the project's `shared/` folder (where the corpus is kept), the copy must be the same, file for file.
    @Test func theCopyIsTheSharedCorpus() throws {
        let shared = Self.repository.deletingLastPathComponent().appendingPathComponent("shared/corpus/pywa-updates")
        guard FileManager.default.fileExists(atPath: shared.path) else { return }
        func files(_ directory: URL) throws -> [String: Data] {
            let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            return try Dictionary(uniqueKeysWithValues: names.map { ($0, try Data(contentsOf: directory.appendingPathComponent($0))) })
        }
        let copy = try files(Self.corpusDirectory), original = try files(shared)
        #expect(copy.keys.sorted() == original.keys.sorted())
        for (name, data) in original where copy[name] != data { Issue.record("Tests/Corpus/pywa-updates/\(name) differs from shared/corpus") }
    }

    @Test func readsTheFieldsParleyUses() throws {
        let all = Dictionary(uniqueKeysWithValues: try Self.samples())
        func firstMessage(_ key: String) throws -> (Contact?, InboundMessage) {
            let events = try WebhookParser.parse(try #require(all[key]).encoded())
            guard case .message(_, let contact, let message) = try #require(events.first) else {
                throw CorpusError.notAMessage(key)
            }
            return (contact, message)
        }
        let (contact, text) = try firstMessage("message.json/text")
        #expect(text.type == "text")
        #expect(text.text?.body.isEmpty == false)
        #expect(contact?.userID == "US.13491208655302741918")
        #expect(text.sentAt != nil)

        let (_, image) = try firstMessage("message.json/image")
        #expect(image.media?.id == "65463453")
        #expect(try firstMessage("message.json/forwarded").1.isForwarded)
        #expect(try firstMessage("message.json/forwarded_many_times").1.isForwarded)
        #expect(try firstMessage("message.json/reply").1.context?.id != nil)
        #expect(try firstMessage("message.json/reaction").1.reaction?.emoji != nil)
        let unreaction = try firstMessage("message.json/unreaction_no_emoji").1
        #expect(unreaction.reaction != nil && (unreaction.reaction?.emoji ?? "").isEmpty)
        let edit = try firstMessage("edited_message.json/image").1
        #expect(edit.edit?.newContent?.image?.caption == "Updated image caption")
        #expect(try firstMessage("deleted_message.json/revoke").1.revoke?.originalMessageID != nil)
        #expect(try firstMessage("message.json/unsupported").1.errors?.first?.code != nil)

        let failed = try WebhookParser.parse(try #require(all["message_status.json/failed"]).encoded())
        guard case .status(_, let status) = try #require(failed.first) else { throw CorpusError.notAMessage("failed") }
        #expect(status.status == "failed")
        #expect(status.errors?.first?.code == 130472)

        let callStatus = try WebhookParser.parse(try #require(all["call_status.json/call_status"]).encoded())
        #expect(!callStatus.contains { if case .status = $0 { true } else { false } }, "call statuses are not message statuses")
    }

    enum CorpusError: Error { case notAMessage(String) }
}
