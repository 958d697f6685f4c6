import Foundation
import ParleyJSON
import Testing
import WhatsAppCloud
import WhatsAppSimulator

/// The parser meets 10,000 malformed bodies made from the corpus (wrong types, missing and unknown fields, huge
/// strings, deep nesting, broken bytes): it either reads them or throws, and never crashes.
@Suite("Webhook parser fuzz")
struct ParserFuzzTests {
    @Test func malformedBodiesNeverCrashTheParser() async throws {
        let samples = try CorpusTests.samples().map(\.1)
        var mutator = WebhookMutator(seed: 20_261_125)
        var parsed = 0, refused = 0, unreadable = 0
        for index in 0..<10_000 {
            // Long and synchronous: let the other suites' tasks run now and then.
            if index % 200 == 0 { await Task.yield() }
            let body = mutator.mutate(samples[index % samples.count])
            do {
                let events = try WebhookParser.parse(body)
                parsed += 1
                unreadable += events.filter { if case .unreadable = $0 { return true } else { return false } }.count
            } catch {
                refused += 1
            }
        }
        print("parser fuzz: 10000 bodies, \(parsed) read (\(unreadable) unreadable items kept), \(refused) refused")
        // Both outcomes occur: the mutations reach past the JSON syntax into the webhook's structure.
        #expect(parsed + refused == 10_000 && parsed > 1_000 && refused > 500 && unreadable > 100)
    }
}
