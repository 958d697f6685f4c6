import Fluent
import FluentSQLiteDriver
import Foundation
import ParleyCore

/// Finds the person behind a WhatsApp message. The business-scoped user id (BSUID) is the identity; the phone
/// number and username are attributes that may be missing or appear later. A person first seen by phone and
/// later by BSUID is one user.
struct EndUserResolver {
    let db: Database
    let now: Date

    static func phoneIdentity(_ digits: String) -> String { "+" + digits.filter(\.isNumber) }

    /// The person's newest ticket on a number, as far as the look-up that found them tells.
    enum NewestTicket {
        case ticket(TicketModel)
        case absent
        /// The look-up did not read it (PostgreSQL, or no number asked about).
        case notRead
    }

    /// Who holds an identity, with all of their identities.
    struct Owner {
        let user: UserModel?
        let identities: [UserIdentityModel]
        let newestTicket: NewestTicket
    }

    func resolve(bsuid: String?, phone: String?, username: String?, name: String?) async throws -> UserModel {
        try await resolve(bsuid: bsuid, phone: phone, username: username, name: name, newestTicketOn: nil).user
    }

    /// The person, and with `integrationID` their newest ticket on that number where the look-up read it too.
    func resolve(bsuid: String?, phone: String?, username: String?, name: String?, newestTicketOn integrationID: Int?)
        async throws -> (user: UserModel, newestTicket: NewestTicket)
    {
        let phoneValue = phone.flatMap { $0.isEmpty ? nil : EndUserResolver.phoneIdentity($0) }
        // Each look-up brings every identity of the user too: most messages come from someone fully known, whose
        // identities then need no query each.
        var (user, mine): (UserModel?, [UserIdentityModel]) = (nil, [])
        var newest = NewestTicket.notRead
        // Identities looked up and held by nobody: adding them needs no second look.
        var free: Set<String> = []
        for (type, value) in [(IdentityType.whatsappBSUID, bsuid), (.phoneNumber, phoneValue), (.whatsappUsername, username)] {
            guard user == nil, let value else { continue }
            let owner = try await ownerWithIdentities(of: type, value, newestTicketOn: integrationID)
            (user, mine, newest) = (owner.user, owner.identities, owner.newestTicket)
            if user == nil { free.insert(type.rawValue + ":" + value) }
        }

        let found: UserModel
        if let user {
            found = user
            if let name, !name.isEmpty, name != found.name {
                found.name = name
                found.updatedAt = now
                try await found.saveDirectly(on: db)
            }
        } else {
            found = UserModel(name: name ?? username ?? phoneValue ?? "WhatsApp user", email: nil, phone: phoneValue,
                              role: .endUser, now: now)
            try await found.createDirectly(on: db)
            // Someone seen for the first time has no ticket yet.
            if integrationID != nil { newest = .absent }
        }
        let userID = try found.requireID()
        if let bsuid { try await ensure(.whatsappBSUID, bsuid, for: userID, mine: &mine, free: free) }
        if let phoneValue {
            try await ensure(.phoneNumber, phoneValue, for: userID, mine: &mine, free: free)
            if found.phone == nil {
                found.phone = phoneValue
                try await found.saveDirectly(on: db)
            }
        }
        if let username { try await replace(.whatsappUsername, with: username, for: userID, mine: &mine, free: free) }
        return (found, newest)
    }

    /// The user holding this identity and all of their identities, in one query.
    private func ownerWithIdentities(of type: IdentityType, _ value: String, newestTicketOn integrationID: Int?) async throws -> Owner {
        if let sqlite = db as? any SQLiteDatabase {
            return try await ownerWithIdentities(of: type, value, newestTicketOn: integrationID, on: sqlite)
        }
        let (user, identities) = try await ownerWithIdentitiesThroughFluent(of: type, value)
        return Owner(user: user, identities: identities, newestTicket: .notRead)
    }

    /// The same query built by Fluent (PostgreSQL).
    func ownerWithIdentitiesThroughFluent(of type: IdentityType, _ value: String) async throws -> (UserModel?, [UserIdentityModel]) {
        let rows = try await UserIdentityModel.query(on: db)
            .join(UserModel.self, on: \UserIdentityModel.$userID == \UserModel.$id)
            .join(HeldIdentity.self, on: \HeldIdentity.$userID == \UserModel.$id)
            .filter(HeldIdentity.self, \.$type == type.rawValue).filter(HeldIdentity.self, \.$value == value)
            .fields(for: UserIdentityModel.self).fields(for: UserModel.self).fieldsAsOneList()
            .all()
        guard let first = rows.first else { return (nil, []) }
        return (try first.joined(UserModel.self), rows)
    }

    func owner(of type: IdentityType, _ value: String) async throws -> UserModel? {
        try await UserModel.query(on: db)
            .join(UserIdentityModel.self, on: \UserIdentityModel.$userID == \UserModel.$id)
            .filter(UserIdentityModel.self, \.$type == type.rawValue).filter(UserIdentityModel.self, \.$value == value)
            .first()
    }

    /// Meta announced a new BSUID for the same person (`user_changed_user_id`): the user keeps their tickets.
    func changeBSUID(from old: String, to new: String) async throws {
        guard let identity = try await UserIdentityModel.query(on: db)
            .filter(\.$type == IdentityType.whatsappBSUID.rawValue).filter(\.$value == old).first(),
            try await owner(of: .whatsappBSUID, new) == nil
        else { return }
        identity.value = new
        identity.updatedAt = now
        try await identity.saveDirectly(on: db)
    }

    /// The person now uses another phone number (`user_changed_number` / `customer_changed_number`).
    func changePhone(of user: UserModel, to digits: String) async throws {
        let value = EndUserResolver.phoneIdentity(digits)
        guard try await owner(of: .phoneNumber, value) == nil else { return }
        let userID = try user.requireID()
        var mine = try await UserIdentityModel.query(on: db).filter(\.$userID == userID).all()
        try await replace(.phoneNumber, with: value, for: userID, mine: &mine)
        user.phone = value
        user.updatedAt = now
        try await user.saveDirectly(on: db)
    }

    /// Adds the identity unless this user or another already has it; `mine` is every identity of the user, `free`
    /// the identities (`type:value`) this transaction found held by nobody.
    private func ensure(
        _ type: IdentityType, _ value: String, for userID: Int, mine: inout [UserIdentityModel], free: Set<String> = []
    ) async throws {
        if mine.contains(where: { $0.type == type.rawValue && $0.value == value }) { return }
        if !free.contains(type.rawValue + ":" + value) {
            let taken = try await UserIdentityModel.query(on: db)
                .filter(\.$type == type.rawValue).filter(\.$value == value).first()
            guard taken == nil else { return }
        }
        let hasPrimary = mine.contains { $0.type == type.rawValue }
        let identity = UserIdentityModel(userID: userID, type: type.rawValue, value: value, primary: !hasPrimary, now: now)
        try await identity.createDirectly(on: db)
        mine.append(identity)
    }

    /// One value per user for this type (a username or phone that changed replaces the old one).
    private func replace(
        _ type: IdentityType, with value: String, for userID: Int, mine: inout [UserIdentityModel], free: Set<String> = []
    ) async throws {
        let ofType = mine.filter { $0.type == type.rawValue }
        if ofType.contains(where: { $0.value == value }) { return }
        if let current = ofType.first {
            current.value = value
            current.updatedAt = now
            try await current.saveDirectly(on: db)
        } else {
            try await ensure(type, value, for: userID, mine: &mine, free: free)
        }
    }
}
