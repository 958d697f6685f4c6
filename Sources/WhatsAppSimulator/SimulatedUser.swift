import Foundation

/// A WhatsApp user on the phone side: known to the business by a business-scoped user id (BSUID), with a
/// profile name, and either a shared phone number or a username that hides it.
public struct SimulatedUser: Sendable, Equatable, Codable {
    public var bsuid: String
    public var name: String
    public var phone: String?
    public var username: String?
    /// The send time of the user's newest message to each business number (phone number id → time).
    public var lastMessageAt: [String: Date] = [:]

    public init(bsuid: String, name: String, phone: String?, username: String?) {
        self.bsuid = bsuid
        self.name = name
        self.phone = phone
        self.username = username
    }

    public var sharesPhone: Bool { phone != nil }
}
