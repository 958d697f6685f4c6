import NIOCore
import NIOPosix

@main
enum Entry {
    /// Swift's tasks run on NIO's event loop threads instead of a pool of their own: a route's database call then
    /// resumes on the thread that received the answer, without waking another thread to carry on. Must run before
    /// any task starts, on the main thread.
    static func main() async {
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        await Parley.main()
    }
}
