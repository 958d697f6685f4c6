/// Who makes a change: a person with a role, or the system (rules, channel adapters).
public struct Actor: Sendable, Equatable {
    public let userID: Int?
    public let role: UserRole?

    /// A trigger or automation an admin set up: it acts for the team, so it may close and solve tickets as an
    /// agent may, yet it is nobody (it does not take a ticket it solves, nor open a new one by touching it).
    public let isRule: Bool

    public init(userID: Int?, role: UserRole?, isRule: Bool = false) {
        self.userID = userID
        self.role = role
        self.isRule = isRule
    }

    public static let system = Actor(userID: nil, role: nil)
    public static let rule = Actor(userID: nil, role: nil, isRule: true)
    public var isStaff: Bool { role?.isStaff ?? false }
    /// Closing is for agents and for the rules they set up.
    public var mayClose: Bool { isStaff || isRule }
}
