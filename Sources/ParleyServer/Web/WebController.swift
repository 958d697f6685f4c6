import Foundation
import Vapor

/// Serves the agent interface: plain HTML, CSS and JavaScript modules from the bundled `Public` folder.
struct WebController: RouteCollection {
    let root: String

    static var bundledRoot: String {
        Bundle.module.resourceURL?.appendingPathComponent("Public").path ?? "Public"
    }

    func boot(routes: RoutesBuilder) throws {
        routes.get(use: index)
        routes.get("app", "**", use: asset)
    }

    func index(req: Request) async throws -> Response {
        try await serve(req, path: "index.html")
    }

    func asset(req: Request) async throws -> Response {
        let parts = req.parameters.getCatchall()
        // Only plain names: no "..", no hidden files, so nothing outside the folder can be reached.
        guard !parts.isEmpty, parts.allSatisfy({ !$0.isEmpty && !$0.hasPrefix(".") && !$0.contains("\\") }) else {
            throw Abort(.notFound)
        }
        return try await serve(req, path: parts.joined(separator: "/"))
    }

    private func serve(_ req: Request, path: String) async throws -> Response {
        let full = (root as NSString).appendingPathComponent(path)
        guard FileManager.default.fileExists(atPath: full) else { throw Abort(.notFound) }
        let data = try await req.application.threadPool.runIfActive { try Data(contentsOf: URL(fileURLWithPath: full)) }
        let types = ["html": "text/html; charset=utf-8", "css": "text/css; charset=utf-8", "js": "text/javascript; charset=utf-8",
                     "svg": "image/svg+xml", "png": "image/png", "ico": "image/x-icon", "json": "application/json"]
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: types[(path as NSString).pathExtension] ?? "application/octet-stream")
        headers.replaceOrAdd(name: .cacheControl, value: "no-cache")
        return Response(status: .ok, headers: headers, body: .init(data: data))
    }
}
