import Foundation

/// The process's resident memory and start time, read from Linux's `/proc` (Parley's deployment target). Elsewhere
/// the memory is unknown (nil) and the start time falls back to when this type was first used, which is start-up.
enum ProcessStats {
    /// Bytes of physical memory the process holds now (`/proc/self/statm`'s second field is in pages).
    static func residentMemoryBytes() -> Double? {
        guard let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return nil }
        let fields = statm.split(separator: " ")
        guard fields.count > 1, let pages = Double(fields[1]) else { return nil }
        return pages * Double(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// Seconds since the Unix epoch at which the process started.
    static let startTime: Double = startTimeFromProc() ?? Date().timeIntervalSince1970

    /// `/proc/self/stat` gives the start in clock ticks after boot (field 22), `/proc/stat` the boot time.
    private static func startTimeFromProc() -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
            let system = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
            // The command name (field 2) is in parentheses and may hold spaces: count fields after the last ')'.
            let nameEnd = stat.lastIndex(of: ")")
        else { return nil }
        let afterName = stat[stat.index(after: nameEnd)...].split(separator: " ")
        // afterName[0] is field 3 (state), so field 22 is afterName[19].
        guard afterName.count > 19, let ticks = Double(afterName[19]),
            let bootLine = system.split(separator: "\n").first(where: { $0.hasPrefix("btime ") }),
            let boot = Double(bootLine.dropFirst("btime ".count).trimmingCharacters(in: .whitespaces))
        else { return nil }
        let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
        guard ticksPerSecond > 0 else { return nil }
        return boot + ticks / ticksPerSecond
    }
}
