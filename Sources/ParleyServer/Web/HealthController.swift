import Fluent
import ParleyCore
import SQLKit
import Vapor

/// `GET /healthz`: 200 when the database answers, 503 when it does not.
struct HealthController: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        routes.get("healthz", use: health)
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
