import Foundation
import ParleyCore
import Prometheus

/// Parley's own counters: what happened in this application since it started. Each `Application` keeps its own
/// (in `ParleyServices`), not the process-wide swift-metrics backend, because tests start many applications in
/// one process and each must read only its own counts. Counts are taken after the work committed, so a
/// transaction that rolled back or was retried is never counted.
///
/// Labels only ever hold values from fixed lists (message types, outcomes): never a phone number, a name, a
/// token or anything else a sender controls, so a stranger cannot grow the series without bound.
final class ParleyMetrics: Sendable {
    /// Where these counters are kept; `/metrics` writes it out after the process-wide one.
    let registry = PrometheusCollectorRegistry()

    /// WhatsApp message types Parley knows (`InboundService`, `MessageContent`); any other becomes `other`.
    static let inboundTypes = [
        "text", "image", "audio", "video", "document", "sticker", "location", "contacts", "interactive", "button",
        "order", "reaction", "edit", "revoke", "system", "request_welcome", "unsupported",
    ]

    /// What became of a reply or template Parley tried to send.
    enum OutboundOutcome: String, CaseIterable {
        case sent
        /// WhatsApp refused it for good, or it kept failing until Parley gave up.
        case failed
        /// The 24-hour window was closed: refused when the agent posted it, while it waited in the outbox, or by
        /// WhatsApp itself (re-engagement required). Never sent.
        case windowClosed = "window_closed"
    }

    /// Outbox rows are replies (`message`), templates, or read receipts; receipts are not messages.
    static let outboundKinds = ["message", "template"]

    /// What became of one attempt to download a customer's photo, file or voice note.
    enum MediaOutcome: String, CaseIterable {
        case stored
        /// It failed and will be tried again.
        case retry
        /// It failed for good: the attachment shows the reason.
        case failed
    }

    private let inbound: [String: Counter]
    private let inboundDuplicates: Counter
    private let badSignatures: Counter
    private let outbound: [String: Counter]
    private let outboundRetries: Counter
    private let media: [MediaOutcome: Counter]
    private let automationPasses: Counter
    private let automationFirings: Counter

    init() {
        // Every series is made up front, at zero: Prometheus then sees the first increase instead of a series
        // appearing at 1, which `rate()` and `increase()` would miss.
        let registry = registry
        func counter(_ name: String, _ help: String, _ labels: [(String, String)] = []) -> Counter {
            registry.makeCounter(descriptor: MetricNameDescriptor(metricName: name, unitName: "", helpText: help), labels: labels)
        }
        let inboundHelp = "WhatsApp messages received and stored (each once: redeliveries are not counted), by message type"
        inbound = Dictionary(uniqueKeysWithValues: (Self.inboundTypes + ["other"]).map {
            ($0, counter("parley_whatsapp_inbound_messages_total", inboundHelp, [("type", $0)]))
        })
        inboundDuplicates = counter(
            "parley_whatsapp_inbound_duplicates_total", "WhatsApp messages delivered again and not stored a second time")
        badSignatures = counter(
            "parley_whatsapp_webhook_signature_failures_total",
            "Webhook deliveries refused (401) because X-Hub-Signature-256 was missing or wrong; nothing was stored")
        let outboundHelp = "Replies and templates: sent to WhatsApp, failed, or refused because the 24-hour window was closed"
        var outbound: [String: Counter] = [:]
        for kind in Self.outboundKinds {
            for outcome in OutboundOutcome.allCases {
                outbound[kind + "/" + outcome.rawValue] = counter(
                    "parley_whatsapp_outbound_messages_total", outboundHelp, [("kind", kind), ("outcome", outcome.rawValue)])
            }
        }
        self.outbound = outbound
        outboundRetries = counter(
            "parley_whatsapp_outbound_retries_total", "Sends that failed for a passing reason (5xx, timeout, 130429) and will be retried")
        media = Dictionary(uniqueKeysWithValues: MediaOutcome.allCases.map {
            ($0, counter("parley_whatsapp_media_downloads_total", "Attempts to download WhatsApp media, by outcome",
                         [("outcome", $0.rawValue)]))
        })
        automationPasses = counter("parley_automation_passes_total", "Automation passes this instance ran")
        automationFirings = counter("parley_automation_firings_total", "Automations that fired on a ticket during those passes")
    }

    /// Messages one webhook stored, by WhatsApp type (after their transactions committed).
    func countInbound(storedByType: [String: Int], duplicates: Int) {
        for (type, count) in storedByType where count > 0 {
            (inbound[type] ?? inbound["other"])?.increment(by: Int64(count))
        }
        if duplicates > 0 { inboundDuplicates.increment(by: Int64(duplicates)) }
    }

    func countBadSignature() { badSignatures.increment() }

    func countOutbound(kind: String, _ outcome: OutboundOutcome) {
        outbound[(kind == "template" ? "template" : "message") + "/" + outcome.rawValue]?.increment()
    }

    /// Called once an outbox row's outcome is saved, with the row's status as saved: `sent`, `failed`, or
    /// `queued` again for a retry. Read receipts are skipped; a row another worker took over is left to it.
    func countOutboxRow(kind: String, status: String, windowClosed: Bool) {
        guard kind != "read" else { return }
        switch status {
        case "sent": countOutbound(kind: kind, .sent)
        case "failed": countOutbound(kind: kind, windowClosed ? .windowClosed : .failed)
        case "queued": outboundRetries.increment()
        default: break
        }
    }

    /// Public replies a saved ticket update refused because the window was closed (they are stored, never sent).
    func countWindowRefusals(in result: TicketService.Result) {
        for (_, error) in result.failedDeliveries where error?["window_closed"]?.boolValue == true {
            countOutbound(kind: "message", .windowClosed)
        }
    }

    func countMediaDownload(_ outcome: MediaOutcome) { media[outcome]?.increment() }

    func countAutomationPass(firings: Int) {
        automationPasses.increment()
        if firings > 0 { automationFirings.increment(by: Int64(firings)) }
    }
}
