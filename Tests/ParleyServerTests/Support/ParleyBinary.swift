import Foundation
import Testing

/// The built `parley` executable (next to the test runner, or `PARLEY_BIN`), run as a user would run it.
struct ParleyBinary {
    struct Outcome {
        let status: Int32
        let output: String
        /// False when the process had to be stopped at the deadline (it was still running: it started serving).
        let exited: Bool
        /// True when it was still running as `until` saw what it waited for (then it was killed).
        var sighted = false
    }

    let path: String

    static func locate() throws -> ParleyBinary {
        let environment = ProcessInfo.processInfo.environment
        let nextToTests = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("parley").path
        let path = environment["PARLEY_BIN"].flatMap { $0.isEmpty ? nil : $0 } ?? nextToTests
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw BinaryMissing(path: path)
        }
        return ParleyBinary(path: path)
    }

    struct BinaryMissing: Error, CustomStringConvertible {
        let path: String
        var description: String { "no parley executable at \(path): build it (swift build) or set PARLEY_BIN" }
    }

    /// Runs with exactly `environment` (plus PATH) and gives up after `deadline` seconds. With `until`, the process is
    /// killed (SIGKILL: nothing it kept unwritten comes out) as soon as what it wrote so far satisfies it.
    func run(
        _ arguments: [String], environment: [String: String] = [:], deadline: TimeInterval = 20,
        until seen: ((String) -> Bool)? = nil
    ) async throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        var env = environment
        env["PATH"] = ProcessInfo.processInfo.environment["PATH"]
        process.environment = env
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("parley-out-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: output) }
        let handle = try FileHandle(forWritingTo: output)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        let stop = Date().addingTimeInterval(deadline)
        func written() -> String { (try? String(contentsOf: output, encoding: .utf8)) ?? "" }
        var sighted = false
        while process.isRunning && Date() < stop {
            if let seen, seen(written()) {
                sighted = true
                kill(process.processIdentifier, SIGKILL)
                break
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        let exited = !sighted && !process.isRunning
        if !exited && !sighted { process.terminate() }
        process.waitUntilExit()
        try handle.close()
        let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        return Outcome(status: process.terminationStatus, output: text, exited: exited, sighted: sighted)
    }
}
