public enum TicketType: String, Sendable, Codable, CaseIterable {
    case problem, incident, question, task
}
