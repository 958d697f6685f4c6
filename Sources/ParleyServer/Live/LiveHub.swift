import Foundation
import NIOConcurrencyHelpers
import ParleyCore
import Vapor

/// Pushes events to signed-in agents over WebSocket: ticket changes, new messages and delivery failures.
/// Each event is a JSON object with a `type` (`ticket.updated`, `message.received`, `delivery.failed`…).
final class LiveHub: Sendable {
    private let clients = NIOLockedValueBox<[UUID: (userID: Int, socket: WebSocket)]>([:])
    private let recent = NIOLockedValueBox<[JSONValue]>([])
    static let keptEvents = 200

    func add(_ socket: WebSocket, userID: Int) -> UUID {
        let id = UUID()
        clients.withLockedValue { $0[id] = (userID, socket) }
        socket.onClose.whenComplete { [weak self] _ in self?.remove(id) }
        return id
    }

    func remove(_ id: UUID) { clients.withLockedValue { $0[id] = nil } }

    /// Says goodbye to every connected agent (the server is going away; their pages reconnect to another).
    func closeAll() async {
        let sockets = clients.withLockedValue { clients in
            defer { clients = [:] }
            return clients.values.map(\.socket)
        }
        for socket in sockets { try? await socket.close(code: .goingAway) }
    }

    var connectionCount: Int { clients.withLockedValue { $0.count } }

    /// The newest events, for a client that connects late or reloads.
    func recentEvents() -> [JSONValue] { recent.withLockedValue { $0 } }

    /// Set while Parley shares a PostgreSQL database with other instances.
    private let relay = NIOLockedValueBox<LiveRelay?>(nil)

    func attach(_ relay: LiveRelay) { self.relay.withLockedValue { $0 = relay } }

    func detachRelay() -> LiveRelay? {
        relay.withLockedValue { relay in
            defer { relay = nil }
            return relay
        }
    }

    /// Sends an event to the agents connected here and, through the relay, to those of the other instances.
    func publish(_ event: JSONValue) {
        var stamped = event.objectValue ?? [:]
        stamped["at"] = .string(Date().iso8601)
        let message = JSONValue.object(stamped)
        deliver(message)
        relay.withLockedValue { $0 }?.forward(message)
    }

    /// An event another instance published: for the agents connected here only.
    func deliver(_ message: JSONValue) {
        recent.withLockedValue { list in
            list.append(message)
            if list.count > Self.keptEvents { list.removeFirst(list.count - Self.keptEvents) }
        }
        let text = message.encodedString()
        for (_, client) in clients.withLockedValue({ $0 }) {
            client.socket.send(text, promise: nil)
        }
    }

    func publish(_ events: [JSONValue]) { events.forEach(publish) }
}
