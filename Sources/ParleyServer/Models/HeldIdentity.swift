import Fluent

/// `user_identities` a second time in one query: the identity a person is recognised by, joined to find every
/// other identity of the same user (`EndUserResolver` reads the user and all their identities at once).
final class HeldIdentity: ModelAlias, @unchecked Sendable {
    static let name = "held_identity"
    let model = UserIdentityModel()
}
