import Fluent
import Foundation
import Logging
import ParleyCore
import Vapor

/// Runs automations on a schedule (hourly by default) over unclosed tickets. Each pass is taken by one instance
/// only: the lease row moves forward with one conditional update, which only one instance can win.
final class AutomationRunner: Sendable {
    private let application: Application
    private let interval: TimeInterval
    private let instance = UUID().uuidString
    private let loop: BackgroundLoop

    init(application: Application, interval: TimeInterval) {
        self.application = application
        self.interval = interval
        // Look for a due pass at least twice per interval (and every 30 s at most), so a pass starts on time.
        self.loop = BackgroundLoop(idleSeconds: max(0.5, min(30, interval / 2)))
    }

    private var parley: ParleyServices { application.parley }
    private var db: Database { application.db }

    func start() { loop.start { [self] in _ = try? await runIfDue(); return 0 } }
    func stop() async { await loop.stop() }

    /// Runs a pass when one is due and this instance wins the lease; returns the firings, or nil when it did not run.
    @discardableResult
    func runIfDue() async throws -> Int? {
        let now = parley.clock.now
        let claim = instance + ":" + UUID().uuidString
        let next = now.addingTimeInterval(interval)
        let won = try await parley.writeGate.run { [db] in
            try await SchedulerLeaseModel.query(on: db).filter(\.$id == "automations").filter(\.$nextRunAt <= now)
                .set(\.$nextRunAt, to: next).set(\.$holder, to: claim).set(\.$lastRunAt, to: now).update()
            return try await SchedulerLeaseModel.find("automations", on: db)?.holder == claim
        }
        guard won else { return nil }
        let firings = try await runPass()
        parley.metrics.countAutomationPass(firings: firings)
        return firings
    }

    /// One pass: each active automation, in order, over every unclosed ticket it matches.
    @discardableResult
    func runPass() async throws -> Int {
        let loader = RuleFactsLoader(db: db)
        let automations = try await loader.activeRules("automation")
        guard !automations.isEmpty else { return 0 }
        var firings = 0
        var lastID = 0
        while true {
            let batch = try await TicketModel.query(on: db).filter(\.$status != TicketStatus.closed.rawValue)
                .filter(\.$id > lastID).sort(\.$id).limit(500).all()
            guard let last = batch.last?.id else { break }
            lastID = last
            for candidate in batch {
                var ticket = candidate
                for automation in automations {
                    let now = parley.clock.now
                    let context = RuleContext(facts: try await loader.facts(for: ticket), now: now)
                    guard RuleEngine.matches(automation.conditions, in: context) else { continue }
                    let effects = RuleEngine.apply(automation.actions, in: context)
                    let ticketID = try ticket.requireID()
                    let result = try await parley.writeGate.run { [db] in
                        try await parley.tickets(on: db, now: now)
                            .applyRule(effects, ticketID: ticketID, rule: (kind: "automation", id: automation.id ?? 0, title: automation.title))
                    }
                    ticket = result.ticket
                    firings += 1
                    if result.queuedDelivery { parley.outbox.wake() }
                    parley.live.publish(result.liveEvents(by: "automation: \(automation.title)"))
                    parley.metrics.countWindowRefusals(in: result)
                }
            }
        }
        if firings > 0 { parley.notifications.wake() }
        application.logger.info("automation pass", metadata: ["firings": "\(firings)"])
        return firings
    }
}
