#if canImport(Glibc)
@preconcurrency import Glibc
#else
@preconcurrency import Darwin
#endif
import NIOCore
import NIOPosix

@main
enum Entry {
    /// Swift's tasks run on NIO's event loop threads instead of a pool of their own: a route's database call then
    /// resumes on the thread that received the answer, without waking another thread to carry on. Must run before
    /// any task starts, on the main thread.
    static func main() async {
        // Written to a file or a pipe (a log, `parley bench`'s seeding), standard output is kept in blocks of 4 KB:
        // a long job's progress lines showed only when it ended.
        setvbuf(stdout, nil, _IOLBF, 0)
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        await Parley.main()
    }
}
