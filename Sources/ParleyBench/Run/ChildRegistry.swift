import Dispatch
import Foundation

/// The children a benchmark started and has not stopped yet: when the benchmark itself is interrupted (Ctrl-C,
/// `timeout`, a CI job cancelled) they are killed with it instead of living on, holding ports and a core.
enum ChildRegistry {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var pids: Set<Int32> = []
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []

    static func add(_ pid: Int32) { lock.withLock { _ = pids.insert(pid) } }
    static func remove(_ pid: Int32) { lock.withLock { _ = pids.remove(pid) } }

    /// On SIGINT or SIGTERM: SIGKILL every child still registered, then exit as the signal would have.
    static func killChildrenOnInterrupt() {
        lock.withLock {
            guard sources.isEmpty else { return }
            for signalNumber in [SIGINT, SIGTERM] {
                signal(signalNumber, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
                source.setEventHandler {
                    let children = lock.withLock { pids }
                    for pid in children { kill(pid, SIGKILL) }
                    FileHandle.standardError.write(Data("interrupted: stopped \(children.count) child processes\n".utf8))
                    exit(128 + signalNumber)
                }
                source.resume()
                sources.append(source)
            }
        }
    }
}
