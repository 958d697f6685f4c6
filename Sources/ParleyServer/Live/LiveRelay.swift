import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import ParleyCore
import FluentPostgresDriver

/// Carries live events between Parley instances sharing one PostgreSQL database, with LISTEN/NOTIFY on a
/// connection of its own: an agent connected to one instance sees what arrived through another. Each instance
/// tags what it sends and ignores its own notifications. If the connection drops it reconnects; events sent in
/// between are lost to other instances (agents' pages reload their lists when they reconnect anyway).
final class LiveRelay: Sendable {
    static let channel = "parley_live"
    /// PostgreSQL refuses NOTIFY payloads of 8,000 bytes or more; larger events stay local.
    static let maxPayload = 7_900

    private let configuration: PostgresConnection.Configuration
    private let logger: Logger
    private let instance = UUID().uuidString
    private let outgoing: AsyncStream<String>
    private let send: AsyncStream<String>.Continuation
    private let task = NIOLockedValueBox<Task<Void, Never>?>(nil)

    init(databaseURL: String, logger: Logger) throws {
        configuration = try SQLPostgresConfiguration(url: databaseURL).coreConfiguration
        self.logger = logger
        (outgoing, send) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .bufferingNewest(10_000))
    }

    /// Starts relaying; `deliver` gets the events other instances published.
    func start(deliver: @escaping @Sendable (JSONValue) -> Void) {
        task.withLockedValue { running in
            guard running == nil else { return }
            running = Task { [self] in
                while !Task.isCancelled {
                    do {
                        try await relay(deliver: deliver)
                    } catch {
                        if Task.isCancelled { break }
                        logger.warning("live relay lost its PostgreSQL connection; reconnecting", metadata: ["error": "\(String(reflecting: error).prefix(200))"])
                        try? await Task.sleep(for: .seconds(1))
                    }
                }
            }
        }
    }

    func stop() async {
        let running = task.withLockedValue { running in
            defer { running = nil }
            return running
        }
        send.finish()
        running?.cancel()
        await running?.value
    }

    /// Queues an event for the other instances.
    func forward(_ event: JSONValue) {
        let payload: JSONValue = ["from": .string(instance), "event": event]
        let text = payload.encodedString()
        guard text.utf8.count <= Self.maxPayload else { return }
        send.yield(text)
    }

    private func relay(deliver: @escaping @Sendable (JSONValue) -> Void) async throws {
        let connection = try await PostgresConnection.connect(
            on: MultiThreadedEventLoopGroup.singleton.next(), configuration: configuration, id: 1, logger: logger)
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { [self] in
                    try await connection.listen(on: Self.channel) { notifications in
                        for try await notification in notifications {
                            guard let message = try? JSONValue.parse(Data(notification.payload.utf8)),
                                  message["from"]?.stringValue != instance, let event = message["event"]
                            else { continue }
                            deliver(event)
                        }
                    }
                }
                group.addTask { [self] in
                    for await text in outgoing {
                        try await connection.query("SELECT pg_notify(\(Self.channel), \(text))", logger: logger)
                    }
                }
                // Either side ending (the connection failed, or the application is stopping) ends both.
                try await group.next()
                group.cancelAll()
            }
        } catch {
            try? await connection.close()
            throw error
        }
        try? await connection.close()
    }
}
