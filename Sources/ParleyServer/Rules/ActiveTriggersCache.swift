import ParleyCore

/// The active triggers in the order they run, read once and kept until a rule is saved or deleted.
typealias ActiveTriggersCache = KeptUntilWritten<[TriggerCycle.Trigger]>
