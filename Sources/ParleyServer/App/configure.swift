import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import SQLKit
import Vapor
import WhatsAppCloud

/// Sets up storage, services, middleware and routes; the one place where live or simulated edges are chosen.
public func configure(
    _ app: Application, settings: ParleySettings, clock: ParleyClock = ParleyClock(), graph: (any GraphAPI)? = nil
) async throws {
    app.logger.logLevel = settings.logLevel
    try FileManager.default.createDirectory(atPath: settings.dataDirectory, withIntermediateDirectories: true)
    try FileManager.default.createDirectory(atPath: settings.attachmentsDirectory, withIntermediateDirectories: true)

    // Before the first request: Vapor reports each request through swift-metrics from then on (`/metrics`).
    SwiftMetricsBackend.installOnce()
    try await DatabaseSetup.use(settings, on: app)
    let graph = graph ?? LiveGraphAPI(baseURL: settings.graphURL, client: app.http.client.shared)
    let writeGate = WriteGate(enabled: !settings.usesPostgres)
    let writer: @Sendable () -> any Database = { [unowned app] in DatabaseSetup.writer(of: app, settings: settings) }
    app.parley = ParleyServices(
        settings: settings, clock: clock,
        files: AttachmentStore(root: settings.attachmentsDirectory, threadPool: app.threadPool), graph: graph,
        writeGate: writeGate, triggers: ActiveTriggersCache(enabled: !settings.usesPostgres),
        integrations: KnownIntegrations(enabled: !settings.usesPostgres),
        inboundCommits: GroupCommit(enabled: !settings.usesPostgres, gate: writeGate, database: writer),
        ticketCommits: GroupCommit(enabled: !settings.usesPostgres, gate: writeGate, database: writer),
        outboxCommits: GroupCommit(enabled: !settings.usesPostgres, gate: writeGate, database: writer),
        media: MediaFetcher(application: app, graph: graph),
        outbox: OutboxWorker(application: app, graph: graph, ratePerSecond: settings.whatsappRatePerSecond),
        live: LiveHub(), automations: AutomationRunner(application: app, interval: settings.automationInterval),
        notifications: NotificationWorker(application: app))

    try await DatabaseSetup.prepare(app.db, settings: settings)

    app.migrations.add(CreateCoreSchema())
    app.migrations.add(SessionRecord.migration)
    app.migrations.add(AddWhatsAppChannel())
    app.migrations.add(AddWhatsAppOutbound())
    app.migrations.add(AddRules())
    app.migrations.add(AddLookupIndexes())
    app.migrations.add(AddSharedRateSlots())
    app.migrations.add(AddTicketCounts())
    app.migrations.add(AddSearchIndexes())
    app.migrations.add(DropInboundTicketID())
    app.migrations.add(AddQueueIndexes())
    app.migrations.add(AddSharedSendWindow())
    try await app.autoMigrate()

    app.sessions.use { _ in ParleySessionDriver() }
    app.sessions.configuration.cookieName = "parley_session"
    app.sessions.configuration.cookieFactory = { id in
        HTTPCookies.Value(
            string: id.string, expires: Date().addingTimeInterval(12 * 3600), maxAge: nil, domain: nil, path: "/",
            isSecure: false, isHTTPOnly: true, sameSite: .lax)
    }

    app.middleware = Middlewares()
    app.middleware.use(app.parley.inFlight)
    app.middleware.use(RequestIDMiddleware())
    app.middleware.use(SecurityHeadersMiddleware())
    app.middleware.use(RouteLoggingMiddleware(logLevel: .info))
    app.middleware.use(ZendeskErrorMiddleware())
    app.middleware.use(NULCharacterMiddleware())
    app.middleware.use(app.sessions.middleware)
    app.routes.defaultMaxBodySize = "1mb"

    try await AdminBootstrap.run(app: app, settings: settings)
    try routes(app)
    app.lifecycle.use(BackgroundWorkers())
    app.responder.use { app in JSONSuffixResponder(next: app.responder.default) }
}
