import Vapor

/// Starts the background workers (and, on PostgreSQL, the live relay between instances) with the server and stops
/// them before it shuts down.
struct BackgroundWorkers: LifecycleHandler {
    func didBootAsync(_ application: Application) async throws {
        guard application.environment != .testing || application.parley.settings.workersInTests else { return }
        application.parley.media.start()
        application.parley.outbox.start()
        application.parley.automations.start()
        application.parley.notifications.start()
        let settings = application.parley.settings
        if settings.usesPostgres, let url = settings.databaseURL {
            // Several instances may share this database: live events travel between them.
            let relay = try LiveRelay(databaseURL: url, logger: application.logger)
            let hub = application.parley.live
            hub.attach(relay)
            relay.start { hub.deliver($0) }
        }
    }

    func shutdownAsync(_ application: Application) async {
        await application.parley.live.detachRelay()?.stop()
        async let media: Void = application.parley.media.stop()
        async let outbox: Void = application.parley.outbox.stop()
        async let automations: Void = application.parley.automations.stop()
        async let notifications: Void = application.parley.notifications.stop()
        _ = await (media, outbox, automations, notifications)
    }
}
