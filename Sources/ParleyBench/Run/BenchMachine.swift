import Foundation

/// What the figures were measured on: they mean little without it.
public enum BenchMachine {
    public static func describe(executable: String) -> String {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model = cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }?
            .split(separator: ":", maxSplits: 1).last?.trimmingCharacters(in: .whitespaces) ?? "unknown CPU"
        let memory = (try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8))?.split(separator: "\n").first?
            .split(separator: " ").dropFirst().first.flatMap { Double($0) }.map { String(format: "%.1f GB", $0 / 1_048_576) } ?? "?"
        let build = executable.contains("/release/") ? "release build" : (executable.contains("/debug/") ? "DEBUG build" : "build")
        return "Machine: \(ProcessInfo.processInfo.activeProcessorCount) cores, \(model), \(memory) RAM; \(build); "
            + ISO8601DateFormatter().string(from: Date())
    }
}
