import Vapor

/// Starts the background workers with the server and stops them before it shuts down.
struct BackgroundWorkers: LifecycleHandler {
    func didBootAsync(_ application: Application) async throws {
        guard application.environment != .testing || application.parley.settings.workersInTests else { return }
        application.parley.media.start()
        application.parley.outbox.start()
        application.parley.automations.start()
        application.parley.notifications.start()
    }

    func shutdownAsync(_ application: Application) async {
        application.parley.media.stop()
        application.parley.outbox.stop()
        application.parley.automations.stop()
        application.parley.notifications.stop()
    }
}
