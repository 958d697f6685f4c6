import CoreMetrics
import Prometheus

/// The process-wide swift-metrics backend: what libraries report through swift-metrics — Vapor's
/// `http_requests_total`, `http_request_errors_total` and `http_request_duration_seconds`, by method, route and
/// status — lands in one Prometheus registry that `/metrics` writes out.
///
/// swift-metrics may be bootstrapped once per process, while a process can configure many applications (the test
/// suite, `parley demo`), so the bootstrap lives in a `static let`, which Swift runs once, under a lock.
enum SwiftMetricsBackend {
    /// The registry Vapor's HTTP metrics go to, or nil when the program embedding Parley had already chosen its own
    /// swift-metrics backend: replacing it would crash, and its metrics are its own business.
    static var registry: PrometheusCollectorRegistry? { installed }

    /// Installs the backend if nobody did; later calls do nothing.
    static func installOnce() { _ = installed }

    private static let installed: PrometheusCollectorRegistry? = {
        guard MetricsSystem.factory is NOOPMetricsHandler else { return nil }
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }()
}
