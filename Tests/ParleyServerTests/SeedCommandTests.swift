import Foundation
import Testing

/// `parley seed`: a long job that says how far it has got while it runs.
@Suite("parley seed")
struct SeedCommandTests {
    /// Written to a file (a log, `parley bench`'s seeding), progress lines come out as they are printed, not in one
    /// block at the end: the seed is killed as soon as a line shows, so a line still kept in a buffer never would.
    @Test func progressIsWrittenWhileTheSeedRuns() async throws {
        let dataDirectory = NSTemporaryDirectory() + "parley-seed-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dataDirectory) }
        let outcome = try await ParleyBinary.locate().run(
            ["seed", "--data-dir", dataDirectory, "--tickets", "20000"], deadline: 120,
            until: { $0.contains(" / 20000 tickets") })
        #expect(outcome.sighted, "no progress line while the seed ran; it wrote: \(outcome.output.suffix(300))")
    }
}
