/// The condition fields Parley understands, with the operators each takes.
public enum RuleField {
    static let valueOperators: Set<String> = ["is", "is_not"]
    static let changeOperators: Set<String> = ["changed", "not_changed", "value", "value_previous", "not_value", "not_value_previous"]
    static let orderOperators: Set<String> = ["less_than", "greater_than", "less_than_equal", "greater_than_equal"]
    static let tagOperators: Set<String> = ["includes", "not_includes"]
    static let wordOperators: Set<String> = ["includes", "not_includes", "is", "is_not"]
    static let hourOperators: Set<String> = ["is", "less_than", "greater_than"]

    /// Fields whose value can change in an update (so `changed`, `value`, `value_previous` apply).
    static let ticketFields: Set<String> = ["status", "priority", "type", "group_id", "assignee_id", "requester_id"]
    /// Hours since an event; automations only (they need the clock of a scheduled pass).
    public static let timeFields: Set<String> = [
        "NEW", "OPEN", "PENDING", "HOLD", "SOLVED", "CLOSED", "created_at", "updated_at", "assigned_at",
        "requester_updated_at", "whatsapp_hours_since_last_message", "whatsapp_window_closes_in_hours",
    ]

    /// The operators a field accepts, or nil for an unknown field.
    public static func operators(for field: String) -> Set<String>? {
        switch field {
        case "status", "priority": valueOperators.union(changeOperators).union(orderOperators)
        case "type", "group_id", "assignee_id", "requester_id": valueOperators.union(changeOperators)
        case "current_tags", "tags": tagOperators
        case "via_id", "whatsapp_integration_id", "update_type", "comment_is_public", "whatsapp_window_open",
            "whatsapp_last_message_forwarded":
            valueOperators
        case "comment_includes_word", "subject_includes_word": wordOperators
        case _ where timeFields.contains(field): hourOperators
        default: nil
        }
    }

    /// The action fields, and which kinds of rule may use them.
    public static let actionFields: Set<String> = [
        "status", "priority", "type", "group_id", "assignee_id", "set_tags", "current_tags", "remove_tags", "comment_value",
        "comment_value_html", "comment_mode_is_public", "subject", "notification_webhook", "whatsapp_template",
    ]
    public static let macroOnlyActions: Set<String> = ["subject"]
    /// What happens after a ticket is saved (a webhook call, a paid template message): for triggers and
    /// automations. An agent answers outside the window with the ticket's template menu instead.
    public static let ruleOnlyActions: Set<String> = ["notification_webhook", "whatsapp_template"]
}
