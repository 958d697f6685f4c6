import Fluent
import FluentSQLiteDriver
import Foundation
import ParleyCore
@testable import ParleyServer
import Testing

/// The resolver's look-up of a person by any of their identities (written by hand on SQLite) reads what
/// Fluent's join reads.
@Suite("Finding the person behind a message")
struct EndUserResolverTests {
    private func fields<M: Model>(_ models: [M]) throws -> [String] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return try models.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
    }

    @Test func aPersonAndAllTheirIdentitiesByAnyOfThem() async throws {
        try await TestApp.with { parley in
            let db = parley.app.db
            let resolver = EndUserResolver(db: db, now: Date(timeIntervalSince1970: 1_700_000_000))
            let ana = try await resolver.resolve(bsuid: "PT.ana", phone: "351911111111", username: "ana.l", name: "Ana")
            _ = try await resolver.resolve(bsuid: "PT.rui", phone: "351922222222", username: nil, name: "Rui")
            for (type, value) in [(IdentityType.whatsappBSUID, "PT.ana"), (.phoneNumber, "+351911111111"), (.whatsappUsername, "ana.l")] {
                let (user, identities) = try await resolver.ownerWithIdentitiesThroughFluent(of: type, value)
                #expect(user?.id == ana.id, "found by \(type)")
                #expect(identities.map(\.value).sorted() == ["+351911111111", "PT.ana", "ana.l"])
                if let sqlite = db as? any SQLiteDatabase {
                    let direct = try await resolver.ownerWithIdentities(of: type, value, newestTicketOn: nil, on: sqlite)
                    let (directUser, directIdentities) = (direct.user, direct.identities)
                    #expect(try encodedFields([try #require(directUser)]) == encodedFields([try #require(user)]))
                    #expect(try encodedFields(directIdentities.sorted { $0.id ?? 0 < $1.id ?? 0 }) == encodedFields(identities.sorted { $0.id ?? 0 < $1.id ?? 0 }))
                    #expect(directUser?._$idExists == true && directIdentities.allSatisfy(\._$idExists), "read, so a save updates them")
                }
            }
            // Found again by any of them: the same person, nobody created twice.
            let again = try await resolver.resolve(bsuid: nil, phone: "351911111111", username: nil, name: nil)
            #expect(again.id == ana.id)
            #expect(try await UserModel.query(on: db).filter(\.$name ~~ ["Ana", "Rui"]).count() == 2)
            #expect(try await resolver.ownerWithIdentitiesThroughFluent(of: .whatsappBSUID, "PT.nobody").0 == nil)
            if let sqlite = db as? any SQLiteDatabase {
                #expect(try await resolver.ownerWithIdentities(of: .whatsappBSUID, "PT.nobody", newestTicketOn: nil, on: sqlite).user == nil)
            }
        }
    }
}
