public enum UserRole: String, Sendable, Codable, CaseIterable {
    case endUser = "end-user"
    case agent
    case admin

    /// Agents and admins work tickets; end users only write to the company.
    public var isStaff: Bool { self != .endUser }
}
