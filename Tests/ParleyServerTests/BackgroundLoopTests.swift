import Foundation
import NIOConcurrencyHelpers
import Testing
@testable import ParleyServer

@Suite("Background loop")
struct BackgroundLoopTests {
    final class Counter: Sendable {
        let value = NIOLockedValueBox(0)
        func next() -> Int { value.withLockedValue { $0 += 1; return $0 } }
        var count: Int { value.withLockedValue { $0 } }
    }

    @Test func anIdleLoopWaitsBetweenPassesEveryTime() async throws {
        let loop = BackgroundLoop(idleSeconds: 0.05)
        let passes = Counter()
        let started = Date()
        loop.start { _ = passes.next(); return 0 }
        // Several idle waits must have passed (each timing out, not woken), however slow the machine is.
        while passes.count < 4 && Date().timeIntervalSince(started) < 20 { try await Task.sleep(for: .milliseconds(10)) }
        try await Task.sleep(for: .milliseconds(300))
        await loop.stop()
        let elapsed = Date().timeIntervalSince(started)
        // At most one pass per 50 ms idle wait. A loop whose idle wait stopped waiting (as an AsyncStream-based
        // one did after its first timeout) runs thousands of passes in this time.
        #expect(passes.count >= 4 && Double(passes.count) <= elapsed / 0.05 + 2, "\(passes.count) passes in \(elapsed) s")
    }

    @Test func wakeEndsALongIdleWaitAtOnce() async throws {
        let loop = BackgroundLoop(idleSeconds: 60)
        let passes = Counter()
        loop.start { _ = passes.next(); return 0 }
        for expected in 2...4 {
            try await Task.sleep(for: .milliseconds(50))
            loop.wake()
            // Generous: other suites may keep the cooperative threads busy for seconds; a lost wake-up waits 60 s.
            let deadline = Date().addingTimeInterval(30)
            while passes.count < expected && Date() < deadline { try await Task.sleep(for: .milliseconds(5)) }
            #expect(passes.count == expected)
        }
        await loop.stop()
    }

    @Test func aWakeDuringAPassIsNotLost() async throws {
        let loop = BackgroundLoop(idleSeconds: 60)
        let passes = Counter()
        let woke = NIOLockedValueBox(false)
        loop.start {
            if passes.next() == 1 {
                loop.wake()  // work queued while this pass runs: the loop must look again
                woke.withLockedValue { $0 = true }
            }
            return 0
        }
        let deadline = Date().addingTimeInterval(30)
        while passes.count < 2 && Date() < deadline { try await Task.sleep(for: .milliseconds(5)) }
        #expect(passes.count == 2 && woke.withLockedValue { $0 })
        await loop.stop()
    }

    @Test func stopWaitsForThePassInProgress() async throws {
        let loop = BackgroundLoop(idleSeconds: 60)
        let finished = NIOLockedValueBox(false)
        let started = NIOLockedValueBox(false)
        loop.start {
            started.withLockedValue { $0 = true }
            // Work that does not stop when cancelled (a database commit, an HTTP call in flight).
            await Task.detached { try? await Task.sleep(for: .milliseconds(200)) }.value
            finished.withLockedValue { $0 = true }
            return 0
        }
        while !started.withLockedValue({ $0 }) { try await Task.sleep(for: .milliseconds(5)) }
        await loop.stop()
        #expect(finished.withLockedValue { $0 }, "stop returned while a pass was still running")
    }
}
