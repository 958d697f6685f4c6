import FluentKit
import FluentSQLiteDriver
import ParleyCore

extension EndUserResolver {
    /// The identity join of `ownerWithIdentities` as text written once, its rows read straight into the models: it
    /// runs for every message received, and building it through Fluent was a tenth of the inbound writer's time.
    static let ownerWithIdentitiesSQL = ownerWithIdentitiesSQL(newestTicket: false)

    /// The same, with the person's newest ticket on one number on each row (the ticket a message joins), which
    /// saves every message a statement of its own.
    static let ownerWithIdentitiesAndNewestTicketSQL = ownerWithIdentitiesSQL(newestTicket: true)

    private static func ownerWithIdentitiesSQL(newestTicket: Bool) -> String {
        let identities = SelectList(columns: UserIdentityModel.keys, of: UserIdentityModel.schema).sql
        let user = SelectList(columns: UserModel.keys, of: UserModel.schema, prefix: userPrefix).sql
        let ticket = SelectList(columns: TicketModel.keys, of: TicketModel.schema, prefix: ticketPrefix).sql
        let joins = """
            FROM "user_identities" JOIN "users" ON "users"."id" = "user_identities"."user_id" \
            JOIN "user_identities" AS "held" ON "held"."user_id" = "users"."id"
            """
        let filter = #"WHERE "held"."type" = ? AND "held"."value" = ?"#
        guard newestTicket else { return "SELECT \(identities), \(user) \(joins) \(filter)" }
        // `+?`, not `?`: SQLite's planner looks at an integer bound in an equality it weighs for its row estimate and,
        // when that integer is 0 or 1 (the first number connected has id 1), re-prepares the statement on its first
        // step to plan for the value. Every message then paid for preparing this statement twice (profiled: 7 % of
        // the inbound server's samples). A unary plus hides the value from that estimate; the plan is the same.
        return """
            SELECT \(identities), \(user), \(ticket) \(joins) LEFT JOIN "tickets" ON "tickets"."id" = (SELECT "newest"."id" \
            FROM "tickets" AS "newest" WHERE "newest"."requester_id" = "users"."id" AND "newest"."whatsapp_integration_id" = +? \
            ORDER BY "newest"."id" DESC LIMIT 1) \(filter)
            """
    }

    private static let userPrefix = "user_"
    private static let ticketPrefix = "ticket_"

    /// With `integrationID`, the person's newest ticket on that number comes in the same query.
    func ownerWithIdentities(of type: IdentityType, _ value: String, newestTicketOn integrationID: Int?, on sqlite: any SQLiteDatabase)
        async throws -> Owner
    {
        let identity: [SQLiteData] = [.text(type.rawValue), .text(value)]
        let rows = if let integrationID {
            try await sqlite.queryLogged(Self.ownerWithIdentitiesAndNewestTicketSQL, [.integer(integrationID)] + identity)
        } else {
            try await sqlite.queryLogged(Self.ownerWithIdentitiesSQL, identity)
        }
        guard let first = rows.first else { return Owner(user: nil, identities: [], newestTicket: .notRead) }
        var newest = NewestTicket.notRead
        if integrationID != nil {
            newest = try first.optionalValue(Self.ticketPrefix + "id", as: Int.self) == nil
                ? .absent : .ticket(try TicketModel.read(from: first, prefix: Self.ticketPrefix))
        }
        return Owner(user: try UserModel.read(from: first, prefix: Self.userPrefix),
                     identities: try rows.map { try UserIdentityModel.read(from: $0) }, newestTicket: newest)
    }
}
