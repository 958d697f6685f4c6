import Vapor
import WhatsAppCloud

extension Application {
    /// Graceful shutdown: stops accepting connections, lets the requests in progress finish, closes the live
    /// connections, then shuts the services down. Vapor alone would clear the database configuration while the
    /// HTTP server still accepts requests, and a request arriving then crashes on its `req.db`.
    public func shutdownWhenIdle() async throws {
        let services = storage[ParleyKey.self]
        async let serverStopped: Void = server.shutdown()
        await services?.live.closeAll()
        await serverStopped
        await services?.inFlight.waitUntilIdle()
        try await asyncShutdown()
    }

    private struct ParleyKey: StorageKey { typealias Value = ParleyServices }

    /// Parley's services, set up once in `configure`.
    public var parley: ParleyServices {
        get {
            guard let services = storage[ParleyKey.self] else { fatalError("configure(_:settings:) was not called") }
            return services
        }
        set { storage[ParleyKey.self] = newValue }
    }
}

extension Request {
    var parley: ParleyServices { application.parley }
}

/// Services chosen at start-up: the clock, the settings, the file store, the Graph API client and workers.
public struct ParleyServices: Sendable {
    public let settings: ParleySettings
    public let clock: ParleyClock
    let files: AttachmentStore
    let graph: any GraphAPI
    let writeGate: WriteGate
    /// The active triggers, kept between ticket updates on SQLite.
    let triggers: ActiveTriggersCache
    /// The connected numbers, kept between webhooks on SQLite.
    let integrations: KnownIntegrations
    /// Webhooks' writes, committed in groups on SQLite.
    let inboundCommits: GroupCommit<InboundService.Summary>
    /// Tickets created and updated through the API, committed in groups on SQLite.
    let ticketCommits: GroupCommit<TicketService.Result>
    /// The outbox's records of sent messages, committed in groups on SQLite.
    let outboxCommits: GroupCommit<OutboxWorker.Finished>
    let media: MediaFetcher
    let outbox: OutboxWorker
    let live: LiveHub
    let automations: AutomationRunner
    let notifications: NotificationWorker
    let loginThrottle = LoginThrottle()
    let inFlight = InFlightRequests()
    let metrics = ParleyMetrics()
}
