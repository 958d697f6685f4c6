import Foundation

/// Zendesk's trigger cycle: after an update, active triggers are checked in order; when one fires its changes
/// are applied and the cycle starts over, each trigger firing at most once per update, with a bound so rules
/// that undo each other cannot loop.
public enum TriggerCycle {
    public struct Trigger: Sendable, Equatable {
        public var id: Int
        public var title: String
        public var conditions: RuleConditions
        public var actions: [RuleAction]

        public init(id: Int, title: String, conditions: RuleConditions, actions: [RuleAction]) {
            self.id = id
            self.title = title
            self.conditions = conditions
            self.actions = actions
        }
    }

    public struct Firing: Sendable, Equatable {
        public var triggerID: Int
        public var title: String
        public var effects: RuleEffects
    }

    public static let maxFirings = 100

    /// Returns the firings in order; `context.facts.ticket` is the ticket after the update, `context.previous`
    /// the ticket before it.
    public static func run(_ triggers: [Trigger], context: RuleContext) -> [Firing] {
        var context = context
        var fired = Set<Int>()
        var firings: [Firing] = []
        var restart = true
        while restart && firings.count < maxFirings {
            restart = false
            for trigger in triggers where !fired.contains(trigger.id) {
                guard RuleEngine.matches(trigger.conditions, in: context) else { continue }
                let effects = RuleEngine.apply(trigger.actions, in: context)
                fired.insert(trigger.id)
                firings.append(Firing(triggerID: trigger.id, title: trigger.title, effects: effects))
                context.facts.ticket = RuleEngine.snapshot(context.facts.ticket, after: effects.update)
                restart = true
                break
            }
        }
        return firings
    }
}
