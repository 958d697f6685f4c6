/// How a ticket or comment came in (`via.channel` in Zendesk's JSON).
public enum Channel: String, Sendable, Codable, CaseIterable {
    case web, api, email, whatsapp, rule, system
}
