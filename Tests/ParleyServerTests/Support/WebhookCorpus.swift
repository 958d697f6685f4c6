import Foundation
import ParleyJSON

/// The real-shaped webhook bodies of `Tests/Corpus` (a copy of the project's `shared/corpus`, so that a clone of
/// the repository alone runs every test), pointed at the harness's number.
enum WebhookCorpus {
    static var directory: URL {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("Corpus/pywa-updates")
    }

    /// Each sample as `file/name` and its body, in a stable order.
    static func samples() throws -> [(name: String, body: JSONValue)] {
        let files = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
        var result: [(name: String, body: JSONValue)] = []
        for file in files {
            let samples = try JSONValue.parse(Data(contentsOf: file)).objectValue ?? [:]
            for (name, sample) in samples.sorted(by: { $0.key < $1.key }) {
                result.append(("\(file.lastPathComponent)/\(name)", sample))
            }
        }
        return result
    }

    /// `sample` as sent to the harness's number (account-level updates carry no number: routed by the WABA id).
    static func addressed(_ sample: JSONValue) -> Data {
        let text = sample.encodedString()
            .replacingOccurrences(of: "\"phone_number_id\":\"", with: "\"phone_number_id\":\"\(ChannelHarness.phoneID)\",\"_was\":\"")
        guard text.contains("phone_number_id") else {
            return Data(text.replacingOccurrences(of: "\"id\":\"", with: "\"id\":\"\(ChannelHarness.wabaID)\",\"_was_id\":\"").utf8)
        }
        return Data(text.utf8)
    }
}
