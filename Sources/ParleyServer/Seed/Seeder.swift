import Fluent
import Foundation
import ParleyCore
import SQLKit
import WhatsAppSimulator

/// Fills a database with a realistic helpdesk quickly (`parley seed`): end users, tickets in every status, each
/// with its conversation and its Create audit. Rows go in many at a time, in large transactions, with the same
/// encodings Parley itself writes, so the agent interface and the API read them like any other ticket.
public struct Seeder: Sendable {
    public struct Counts: Sendable {
        public var users = 0
        public var tickets = 0
        public var comments = 0
    }

    let db: Database
    let now: Date
    /// Tickets per transaction.
    let batch = 500

    public init(db: Database, now: Date = Date()) {
        self.db = db
        self.now = now
    }

    static let words = ["order", "refund", "delivery", "parcel", "invoice", "password", "account", "payment", "shipping",
                        "address", "discount", "coupon", "broken", "missing", "late", "exchange", "size", "colour",
                        "subscription", "cancel", "warranty", "battery", "screen", "charger", "receipt", "tracking"]
    static let statuses = ["new", "open", "open", "open", "pending", "hold", "solved", "solved", "closed", "closed"]

    /// Adds `tickets` tickets with `commentsPerTicket` comments each; `progress` hears the running counts.
    public func seed(tickets: Int, commentsPerTicket: Int, progress: @Sendable (Counts) -> Void) async throws -> Counts {
        guard let sql = db as? SQLDatabase else { throw SeedError(description: "seeding needs an SQL database") }
        var counts = Counts()
        let usersPerTicket = 0.25  // a customer writes about four times
        var generator = SeededGenerator(seed: UInt64(tickets) &* 2654435761 &+ UInt64(commentsPerTicket))
        var nextUser = try await maxID("users", on: sql) + 1
        var nextTicket = try await maxID("tickets", on: sql) + 1
        var nextComment = try await maxID("comments", on: sql) + 1
        var nextAudit = try await maxID("audits", on: sql) + 1
        let firstUser = nextUser
        var done = 0
        while done < tickets {
            let size = min(batch, tickets - done)
            let newUsers = max(1, Int(Double(size) * usersPerTicket))
            var users: [[SQLBind]] = []
            for offset in 0..<newUsers {
                let id = nextUser + offset
                users.append([SQLBind(id), SQLBind("Customer \(id)"), SQLBind("end-user"), SQLBind(true), SQLBind(false),
                              SQLBind(now), SQLBind(now)])
            }
            var ticketRows: [[SQLBind]] = []
            var auditRows: [[SQLBind]] = []
            var commentRows: [[SQLBind]] = []
            for offset in 0..<size {
                let id = nextTicket + offset
                let requester = firstUser + Int.random(in: 0..<(nextUser + newUsers - firstUser), using: &generator)
                let created = now.addingTimeInterval(-Double(tickets - done - offset) * 60)
                let status = Self.statuses.randomElement(using: &generator) ?? "open"
                let subject = "\(Self.words.randomElement(using: &generator) ?? "order") question #\(id)"
                let description = sentence(&generator)
                let solved: Date? = status == "solved" || status == "closed" ? created.addingTimeInterval(3600) : nil
                ticketRows.append([
                    SQLBind(id), SQLBind(subject), SQLBind(description), SQLBind(status), SQLBind("normal"), SQLBind(""),
                    SQLBind(requester), SQLBind(requester), SQLBind(Channel.web.rawValue), SQLBind(created), SQLBind(created),
                    SQLBind(solved), SQLBind(created),
                ])
                let audit = AuditModel(ticketID: id, authorID: requester, via: .web,
                                       events: [.create("status", .string(status)), .create("subject", .string(subject))], now: created)
                auditRows.append([SQLBind(nextAudit), SQLBind(id), SQLBind(requester), SQLBind(Channel.web.rawValue),
                                  SQLBind(audit.eventsJSON), SQLBind(created)])
                for index in 0..<commentsPerTicket {
                    let body = index == 0 ? description : sentence(&generator)
                    let author: Int? = index % 2 == 0 ? requester : nil
                    commentRows.append([
                        SQLBind(nextComment), SQLBind(id), SQLBind(nextAudit), SQLBind(author), SQLBind(body), SQLBind(true),
                        SQLBind(Channel.web.rawValue), SQLBind(created.addingTimeInterval(Double(index) * 30)),
                    ])
                    nextComment += 1
                }
                nextAudit += 1
            }
            try await write(users: users, tickets: ticketRows, audits: auditRows, comments: commentRows)
            nextUser += newUsers
            nextTicket += size
            done += size
            counts.users += newUsers
            counts.tickets += size
            counts.comments += size * commentsPerTicket
            progress(counts)
        }
        try await advanceSequences(on: sql)
        return counts
    }

    /// One batch, one transaction. Bind limits (SQLite: 32,766) cap a statement, so rows go 2,000 at a time.
    private func write(users: [[SQLBind]], tickets: [[SQLBind]], audits: [[SQLBind]], comments: [[SQLBind]]) async throws {
        try await db.transaction { db in
            guard let sql = db as? SQLDatabase else { return }
            let tables: [(String, [String], [[SQLBind]])] = [
                ("users", ["id", "name", "role", "active", "suspended", "created_at", "updated_at"], users),
                ("tickets", ["id", "subject", "description", "status", "priority", "tags", "requester_id", "submitter_id",
                             "via_channel", "created_at", "updated_at", "solved_at", "last_end_user_message_at"], tickets),
                ("audits", ["id", "ticket_id", "author_id", "via_channel", "events", "created_at"], audits),
                ("comments", ["id", "ticket_id", "audit_id", "author_id", "body", "public", "via_channel", "created_at"], comments),
            ]
            for (table, columns, rows) in tables {
                for chunk in stride(from: 0, to: rows.count, by: 2_000) {
                    var insert = sql.insert(into: table).columns(columns)
                    for row in rows[chunk..<min(rows.count, chunk + 2_000)] { insert = insert.values(row) }
                    try await insert.run()
                }
            }
        }
    }

    private func sentence(_ generator: inout SeededGenerator) -> String {
        let picked = (0..<8).map { _ in Self.words.randomElement(using: &generator) ?? "order" }
        return "Hello, my \(picked[0]) and \(picked[1]) are a problem: \(picked[2...].joined(separator: " ")). Thanks!"
    }

    private func maxID(_ table: String, on sql: SQLDatabase) async throws -> Int {
        struct Row: Decodable { let id: Int? }
        let row = try await sql.raw("SELECT MAX(id) AS id FROM \(ident: table)").first(decoding: Row.self)
        return row?.id ?? 0
    }

    /// PostgreSQL hands out ids from sequences, which explicit ids do not move.
    private func advanceSequences(on sql: SQLDatabase) async throws {
        guard sql.isPostgreSQL else { return }
        for table in ["users", "tickets", "comments", "audits"] {
            try await sql.raw("SELECT setval(pg_get_serial_sequence(\(literal: table), 'id'), (SELECT COALESCE(MAX(id), 1) FROM \(ident: table)))").run()
        }
    }
}

public struct SeedError: Error, CustomStringConvertible {
    public let description: String
}
