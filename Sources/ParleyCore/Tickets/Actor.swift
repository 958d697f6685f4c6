/// Who makes a change: a person with a role, or the system (rules, channel adapters).
public struct Actor: Sendable, Equatable {
    public let userID: Int?
    public let role: UserRole?

    public init(userID: Int?, role: UserRole?) {
        self.userID = userID
        self.role = role
    }

    public static let system = Actor(userID: nil, role: nil)
    public var isStaff: Bool { role?.isStaff ?? false }
}
