/// Event types of a ticket audit. The first four are Zendesk's; the rest are Parley's channel events,
/// named in the same style so Zendesk clients show them as unknown but harmless events.
public enum AuditEventType: String, Sendable, Codable, CaseIterable {
    case create = "Create"
    case change = "Change"
    case comment = "Comment"
    case notification = "Notification"
    case deliveryFailure = "DeliveryFailure"
    case ruleFired = "RuleFired"
    case redaction = "Redaction"
    case channelEvent = "ChannelEvent"
}
