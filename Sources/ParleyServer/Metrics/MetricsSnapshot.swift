import Foundation
import ParleyCore
import Prometheus
import SQLKit
import Vapor

/// The gauges read at scrape time: how things stand now rather than what happened. The database figures are
/// counted by a few `GROUP BY` queries, each on an indexed status column, so every instance sharing a PostgreSQL
/// database reports the same (database-wide) numbers; live connections and memory are this process's own.
struct MetricsSnapshot {
    let application: Application

    /// Outbox rows still to send: `queued` (waiting for their turn or a retry) and `sending` (claimed by a worker).
    static let outboxBacklogStatuses = ["queued", "sending"]
    /// Media downloads not stored: waiting or retrying, claimed by a worker, or given up on (the agent sees why).
    static let mediaStatuses = ["pending", "downloading", "failed"]

    /// A fresh registry per scrape, so a status that no longer has any row reads 0 instead of its last value.
    func registry() async -> PrometheusCollectorRegistry {
        let registry = PrometheusCollectorRegistry()
        func gauge(_ name: String, _ help: String, labels: [(String, String)] = [], _ value: Double) {
            let descriptor = MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
            registry.makeGauge(descriptor: descriptor, labels: labels).set(value)
        }

        gauge("parley_live_connections", "Agent interface WebSocket connections open on this instance",
              Double(application.parley.live.connectionCount))
        if let memory = ProcessStats.residentMemoryBytes() {
            gauge("process_resident_memory_bytes", "Resident memory size in bytes", memory)
        }
        gauge("process_start_time_seconds", "Start time of the process since the Unix epoch in seconds", ProcessStats.startTime)
        gauge("parley_uptime_seconds", "Seconds since this Parley process started",
              max(0, Date().timeIntervalSince1970 - ProcessStats.startTime))

        do {
            // Kept by the database as tickets change: no scan of every ticket on each scrape.
            let tickets = try await TicketCounts.byStatus(on: application.db)
            let outbox = try await counts(of: "status", in: OutboxModel.schema, among: Self.outboxBacklogStatuses)
            let media = try await counts(of: "media_status", in: AttachmentModel.schema, among: Self.mediaStatuses)
            // Every known status is written, at 0 when no ticket has it, so a dashboard's series never vanish.
            let statuses = Set(TicketStatus.allCases.map(\.rawValue)).union(tickets.keys).sorted()
            for status in statuses {
                gauge("parley_tickets", "Tickets by status (database-wide)", labels: [("status", status)], Double(tickets[status] ?? 0))
            }
            for status in Self.outboxBacklogStatuses {
                gauge("parley_whatsapp_outbox_backlog", "Outbox rows (replies, templates, read receipts) not sent yet, by status",
                      labels: [("status", status)], Double(outbox[status] ?? 0))
            }
            for status in Self.mediaStatuses {
                gauge("parley_whatsapp_media_downloads", "WhatsApp media not stored: pending, downloading now, or failed for good",
                      labels: [("status", status)], Double(media[status] ?? 0))
            }
            gauge("parley_database_up", "1 when the database answered this scrape's queries, 0 when it did not", 1)
        } catch {
            // The process still answers: its HTTP and own counters are worth having while the database is away.
            application.logger.warning("metrics: the database did not answer")
            gauge("parley_database_up", "1 when the database answered this scrape's queries, 0 when it did not", 0)
        }
        return registry
    }

    /// Rows per value of `column`, optionally only for `values` (so an index on the column does the counting).
    private func counts(of column: String, in table: String, among values: [String]? = nil) async throws -> [String: Int] {
        guard let sql = application.db as? SQLDatabase else { return [:] }
        var query = sql.select()
            .column(SQLIdentifier(column), as: "value")
            .column(SQLFunction("COUNT", args: SQLLiteral.all), as: "count")
            .from(table)
        if let values { query = query.where(SQLIdentifier(column), .in, values) }
        let rows = try await query.groupBy(SQLIdentifier(column)).all()
        var counts: [String: Int] = [:]
        for row in rows {
            guard let value = try row.decode(column: "value", as: String?.self) else { continue }
            counts[value] = try row.decode(column: "count", as: Int.self)
        }
        return counts
    }
}
