import FluentKit
import FluentSQLiteDriver
import ParleyCore

extension EndUserResolver {
    /// The identity join of `ownerWithIdentities` as text written once, its rows read straight into the models: it
    /// runs for every message received, and building it through Fluent was a tenth of the inbound writer's time.
    static let ownerWithIdentitiesSQL: String = {
        let identities = SelectList(columns: UserIdentityModel.keys, of: UserIdentityModel.schema).sql
        let user = SelectList(columns: UserModel.keys, of: UserModel.schema, prefix: userPrefix).sql
        return """
            SELECT \(identities), \(user) FROM "user_identities" JOIN "users" ON "users"."id" = "user_identities"."user_id" \
            JOIN "user_identities" AS "held" ON "held"."user_id" = "users"."id" WHERE "held"."type" = ? AND "held"."value" = ?
            """
    }()

    private static let userPrefix = "user_"

    func ownerWithIdentities(of type: IdentityType, _ value: String, on sqlite: any SQLiteDatabase) async throws
        -> (UserModel?, [UserIdentityModel])
    {
        let rows = try await sqlite.queryLogged(Self.ownerWithIdentitiesSQL, [.text(type.rawValue), .text(value)])
        guard let first = rows.first else { return (nil, []) }
        return (try UserModel.read(from: first, prefix: Self.userPrefix), try rows.map { try UserIdentityModel.read(from: $0) })
    }
}
