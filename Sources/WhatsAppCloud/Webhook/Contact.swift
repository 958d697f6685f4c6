/// `value.contacts[]`: who wrote. Since 2026-03-31 `user_id` (the business-scoped user id) is always there;
/// `wa_id` (the phone number) only when the user shares it; `profile.username` when the user has one.
public struct Contact: Codable, Sendable, Equatable {
    public struct Profile: Codable, Sendable, Equatable {
        public var name: String?
        public var username: String?
        public init(name: String?, username: String? = nil) {
            self.name = name
            self.username = username
        }
    }

    public var profile: Profile?
    public var waID: String?
    public var userID: String?
    public var parentUserID: String?

    enum CodingKeys: String, CodingKey {
        case profile
        case waID = "wa_id"
        case userID = "user_id"
        case parentUserID = "parent_user_id"
    }

    public init(profile: Profile?, waID: String?, userID: String?, parentUserID: String? = nil) {
        self.profile = profile
        self.waID = waID
        self.userID = userID
        self.parentUserID = parentUserID
    }
}
