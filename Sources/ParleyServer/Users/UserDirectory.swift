import Fluent
import Foundation
import ParleyCore

/// Finding and creating users and keeping their identities in step with their email and phone.
struct UserDirectory {
    let db: Database
    let now: Date

    func user(email: String) async throws -> UserModel? {
        try await UserModel.query(on: db).filter(\.$email == email.lowercased()).first()
    }

    /// Zendesk's `requester: {name, email}` on ticket create: the user with that email, or a new end user.
    func findOrCreateRequester(name: String?, email: String?, phone: String?) async throws -> UserModel {
        if let email, let existing = try await user(email: email) { return existing }
        let displayName = name ?? email ?? phone ?? "Unknown"
        let user = UserModel(name: displayName, email: email?.lowercased(), phone: phone, role: .endUser, now: now)
        try await user.create(on: db)
        try await syncIdentities(of: user)
        return user
    }

    /// The email and phone identities mirror the user's fields, so lookups by identity find them.
    func syncIdentities(of user: UserModel) async throws {
        guard let userID = user.id else { return }
        for (type, value) in [(IdentityType.email, user.email), (.phoneNumber, user.phone)] {
            let existing = try await UserIdentityModel.query(on: db)
                .filter(\.$userID == userID).filter(\.$type == type.rawValue).first()
            switch (existing, value) {
            case (nil, let value?):
                try await UserIdentityModel(userID: userID, type: type.rawValue, value: value, primary: true, now: now)
                    .create(on: db)
            case (let identity?, let value?) where identity.value != value:
                identity.value = value
                identity.updatedAt = now
                try await identity.save(on: db)
            case (let identity?, nil):
                try await identity.delete(on: db)
            default:
                break
            }
        }
    }
}
