import Vapor

/// `GET /metrics`: Prometheus' text exposition format (version 0.0.4). Three parts, written one after the other:
/// what libraries report through swift-metrics for the whole process (Vapor's `http_*`), this application's own
/// counters (`ParleyMetrics`), and the gauges read now (`MetricsSnapshot`). Their metric names never overlap.
struct MetricsController: RouteCollection {
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    func boot(routes: RoutesBuilder) throws {
        routes.grouped(MetricsAccess()).get("metrics", use: scrape)
    }

    func scrape(req: Request) async throws -> Response {
        let snapshot = await MetricsSnapshot(application: req.application).registry()
        var text: [UInt8] = []
        SwiftMetricsBackend.registry?.emit(into: &text)
        req.parley.metrics.registry.emit(into: &text)
        snapshot.emit(into: &text)
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: Self.contentType)
        // A scrape is a reading of now: no cache may answer the next one.
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return Response(status: .ok, headers: headers, body: .init(buffer: ByteBuffer(bytes: text)))
    }
}
