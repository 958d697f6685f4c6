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
        async let media: Void = application.parley.media.stop()
        async let outbox: Void = application.parley.outbox.stop()
        async let automations: Void = application.parley.automations.stop()
        async let notifications: Void = application.parley.notifications.stop()
        _ = await (media, outbox, automations, notifications)
    }
}
