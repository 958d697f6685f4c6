import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A process the benchmark starts (Parley, the simulator, a load generator), with its output in a log file.
final class ChildProcess: @unchecked Sendable {
    let process = Process()
    let logPath: String

    init(executable: String, arguments: [String], environment: [String: String], logPath: String) throws {
        self.logPath = logPath
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
        ChildRegistry.add(process.processIdentifier)
    }

    var pid: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }

    /// SIGTERM, then SIGKILL if it has not ended within `grace` seconds; returns the exit status.
    @discardableResult
    func stop(grace: Double = 20) async -> Int32 {
        if process.isRunning { process.terminate() }
        let deadline = Date().addingTimeInterval(grace)
        while process.isRunning && Date() < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        if process.isRunning { kill(pid, SIGKILL) }
        while process.isRunning { try? await Task.sleep(for: .milliseconds(20)) }
        ChildRegistry.remove(pid)
        return process.terminationStatus
    }

    /// Resident memory now and at its peak, in MB, from /proc (Linux).
    var memory: (current: Double, peak: Double) {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return (0, 0) }
        func kilobytes(_ key: String) -> Double {
            guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(key) }) else { return 0 }
            return Double(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
        }
        return (kilobytes("VmRSS:") / 1024, kilobytes("VmHWM:") / 1024)
    }

    /// Processor time used so far (user and system), in seconds, from /proc (Linux); nil where there is none.
    var cpuSeconds: Double? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let nameEnd = stat.lastIndex(of: ")")
        else { return nil }
        // After the command name (which may hold spaces) come the state, field 3, … utime 14 and stime 15.
        let fields = stat[stat.index(after: nameEnd)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    func logTail(lines: Int = 20) -> String {
        let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }
}
