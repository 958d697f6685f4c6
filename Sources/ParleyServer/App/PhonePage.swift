import Foundation
import Vapor

/// The demo's phone page, served by the simulator's own server (same origin as its control API).
enum PhonePage {
    static func register(on app: Application) throws {
        let root = WebController.bundledRoot + "/phone"
        app.get("phone") { req async throws -> Response in try await file(req, root + "/index.html") }
        app.get("phone", ":file") { req async throws -> Response in
            let name = req.parameters.get("file") ?? ""
            guard !name.hasPrefix("."), !name.contains("/") else { throw Abort(.notFound) }
            return try await file(req, root + "/" + name)
        }
    }

    private static func file(_ req: Request, _ path: String) async throws -> Response {
        guard let data = FileManager.default.contents(atPath: path) else { throw Abort(.notFound) }
        let type = path.hasSuffix(".js") ? "text/javascript; charset=utf-8" : path.hasSuffix(".css") ? "text/css; charset=utf-8"
            : "text/html; charset=utf-8"
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: type)
        headers.replaceOrAdd(name: "Content-Security-Policy", value: SecurityHeadersMiddleware.contentSecurityPolicy)
        return Response(status: .ok, headers: headers, body: .init(data: data))
    }
}
