import Fluent
import ParleyCore
import SQLKit
import Vapor

/// `GET /healthz` (readiness): 200 when the database answers, 503 when it does not.
/// `GET /livez` (liveness): 200 while the process serves HTTP, without touching the database — what a process
/// supervisor restarts on, and the "plain route" ceiling `parley bench` compares Parley's figures with.
struct HealthController: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        routes.get("healthz", use: health)
        routes.get("livez") { _ in Response(status: .ok, headers: ["Content-Type": "application/json"], body: .init(staticString: #"{"status":"ok"}"#)) }
    }

    func health(req: Request) async throws -> Response {
        let database = req.parley.settings.usesPostgres ? "postgresql" : "sqlite"
        do {
            guard let sql = req.db as? SQLDatabase else { throw Abort(.internalServerError) }
            try await sql.raw("SELECT 1").run()
            return JSONValue.object(["status": "ok", "database": .string(database)]).response(status: .ok)
        } catch {
            req.logger.warning("health check: database unreachable")
            return JSONValue.object(["status": "unavailable", "database": .string(database)])
                .response(status: .serviceUnavailable)
        }
    }
}
