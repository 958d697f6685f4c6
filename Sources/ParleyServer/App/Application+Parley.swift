import Vapor
import WhatsAppCloud

extension Application {
    /// Waits for requests still being handled, then shuts down (graceful shutdown).
    public func shutdownWhenIdle() async throws {
        if let services = storage[ParleyKey.self] { await services.inFlight.waitUntilIdle() }
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
    let media: MediaFetcher
    let outbox: OutboxWorker
    let live: LiveHub
    let automations: AutomationRunner
    let notifications: NotificationWorker
    let loginThrottle = LoginThrottle()
    let inFlight = InFlightRequests()
}
