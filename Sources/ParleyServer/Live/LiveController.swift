import ParleyCore
import Vapor

/// `GET /api/v2/live` (WebSocket): live events for agents, authenticated like the rest of the API.
/// `GET /api/v2/live/recent` lists the newest events for a page that just loaded.
struct LiveController: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        routes.webSocket("live") { req, socket async in
            guard let user = try? req.currentUser, let userID = user.id else {
                try? await socket.close(code: .policyViolation)
                return
            }
            _ = req.parley.live.add(socket, userID: userID)
            try? await socket.send(JSONValue.object(["type": "hello", "user_id": .int(userID)]).encodedString())
        }
        routes.get("live", "recent") { req async throws -> JSONValue in
            ["events": .array(req.parley.live.recentEvents())]
        }
    }
}
