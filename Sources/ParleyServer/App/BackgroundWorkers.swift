import Vapor

/// Starts the background workers with the server and stops them before it shuts down.
struct BackgroundWorkers: LifecycleHandler {
    func didBootAsync(_ application: Application) async throws {
        guard application.environment != .testing || application.parley.settings.workersInTests else { return }
        application.parley.media.start()
        application.parley.outbox.start()
    }

    func shutdownAsync(_ application: Application) async {
        application.parley.media.stop()
        application.parley.outbox.stop()
    }
}
