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
///
/// Two tasks live as long as the relay: the listener (connects, listens, reconnects) and the sender, the only
/// reader of `outgoing`. The sender must never be cancelled by a connection failure: an AsyncStream whose
/// iteration is cancelled is finished for good, and nothing would be forwarded again.
final class LiveRelay: Sendable {
    static let channel = "parley_live"
    /// PostgreSQL refuses NOTIFY payloads of 8,000 bytes or more; larger events stay local.
    static let maxPayload = 7_900
    static let applicationName = "parley live relay"

    private let configuration: PostgresConnection.Configuration
    private let logger: Logger
    private let instance = UUID().uuidString
    private let outgoing: AsyncStream<String>
    private let send: AsyncStream<String>.Continuation
    /// The listener's connection while it is up; the sender notifies through it.
    private let current = NIOLockedValueBox<PostgresConnection?>(nil)
    private let tasks = NIOLockedValueBox<(listener: Task<Void, Never>, sender: Task<Void, Never>)?>(nil)

    init(databaseURL: String, logger: Logger) throws {
        var configuration = try SQLPostgresConfiguration(url: databaseURL).coreConfiguration
        // Named, so that an operator (or a test) can tell the relay's connection in pg_stat_activity.
        configuration.options.additionalStartupParameters.append(("application_name", Self.applicationName))
        self.configuration = configuration
        self.logger = logger
        (outgoing, send) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .bufferingNewest(10_000))
    }

    /// Starts relaying; `deliver` gets the events other instances published.
    func start(deliver: @escaping @Sendable (JSONValue) -> Void) {
        tasks.withLockedValue { running in
            guard running == nil else { return }
            let listener = Task { [self] in
                while !Task.isCancelled {
                    do {
                        try await listen(deliver: deliver)
                    } catch {
                        if Task.isCancelled { break }
                        logger.warning("live relay lost its PostgreSQL connection; reconnecting",
                                       metadata: ["error": "\(String(reflecting: error).prefix(200))"])
                    }
                    try? await Task.sleep(for: .seconds(1))
                }
            }
            let sender = Task { [self] in
                for await text in outgoing {
                    // No connection (being re-established): the event is lost to other instances, as documented.
                    guard let connection = current.withLockedValue({ $0 }) else { continue }
                    do {
                        try await connection.query("SELECT pg_notify(\(Self.channel), \(text))", logger: logger)
                    } catch {
                        logger.debug("live relay could not notify", metadata: ["error": "\(String(reflecting: error).prefix(200))"])
                    }
                }
            }
            running = (listener, sender)
        }
    }

    func stop() async {
        let running = tasks.withLockedValue { running in
            defer { running = nil }
            return running
        }
        send.finish()
        running?.listener.cancel()
        await running?.listener.value
        await running?.sender.value
    }

    /// Queues an event for the other instances.
    func forward(_ event: JSONValue) {
        let payload: JSONValue = ["from": .string(instance), "event": event]
        let text = payload.encodedString()
        guard text.utf8.count <= Self.maxPayload else { return }
        send.yield(text)
    }

    /// One connection's life: listens until it fails (or the relay stops).
    private func listen(deliver: @escaping @Sendable (JSONValue) -> Void) async throws {
        let connection = try await PostgresConnection.connect(
            on: MultiThreadedEventLoopGroup.singleton.next(), configuration: configuration, id: 1, logger: logger)
        current.withLockedValue { $0 = connection }
        defer { current.withLockedValue { $0 = nil } }
        do {
            try await connection.listen(on: Self.channel) { notifications in
                for try await notification in notifications {
                    guard let message = try? JSONValue.parse(Data(notification.payload.utf8)),
                          message["from"]?.stringValue != instance, let event = message["event"]
                    else { continue }
                    deliver(event)
                }
            }
        } catch {
            try? await connection.close()
            throw error
        }
        try? await connection.close()
    }
}
