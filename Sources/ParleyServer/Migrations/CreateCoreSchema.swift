import Fluent
import SQLKit

/// Users, groups, tickets, comments, attachments, audits, API tokens and settings.
struct CreateCoreSchema: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema(UserModel.schema)
            .parleyID(database)
            .field("name", .string, .required)
            .field("email", .string)
            .field("phone", .string)
            .field("role", .string, .required)
            .field("password_hash", .string)
            .field("active", .bool, .required)
            .field("suspended", .bool, .required)
            .field("external_id", .string)
            .field("notes", .string)
            .field("locale", .string)
            .field("time_zone", .string)
            .field("default_group_id", .int)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "email")
            .create()

        try await database.schema(UserIdentityModel.schema)
            .parleyID(database)
            .field("user_id", .int, .required, .references(UserModel.schema, "id", onDelete: .cascade))
            .field("type", .string, .required)
            .field("value", .string, .required)
            .field("primary", .bool, .required)
            .field("verified", .bool, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "type", "value")
            .create()

        try await database.schema(GroupModel.schema)
            .parleyID(database)
            .field("name", .string, .required)
            .field("description", .string)
            .field("is_default", .bool, .required)
            .field("deleted", .bool, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()

        try await database.schema(TicketModel.schema)
            .parleyID(database)
            .field("subject", .string)
            .field("description", .string)
            .field("status", .string, .required)
            .field("priority", .string)
            .field("type", .string)
            .field("tags", .string, .required)
            .field("requester_id", .int, .references(UserModel.schema, "id"))
            .field("submitter_id", .int, .references(UserModel.schema, "id"))
            .field("assignee_id", .int, .references(UserModel.schema, "id"))
            .field("group_id", .int, .references(GroupModel.schema, "id"))
            .field("external_id", .string)
            .field("via_channel", .string, .required)
            .field("via_source", .string)
            .field("followup_source_id", .int)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .field("solved_at", .datetime)
            .field("last_end_user_message_at", .datetime)
            .create()

        try await database.schema(AuditModel.schema)
            .parleyID(database)
            .field("ticket_id", .int, .required, .references(TicketModel.schema, "id", onDelete: .cascade))
            .field("author_id", .int)
            .field("via_channel", .string, .required)
            .field("events", .string, .required)
            .field("created_at", .datetime, .required)
            .create()

        try await database.schema(CommentModel.schema)
            .parleyID(database)
            .field("ticket_id", .int, .required, .references(TicketModel.schema, "id", onDelete: .cascade))
            .field("audit_id", .int)
            .field("author_id", .int)
            .field("body", .string, .required)
            .field("html_body", .string)
            .field("public", .bool, .required)
            .field("via_channel", .string, .required)
            .field("delivery_status", .string)
            .field("delivery_error", .string)
            .field("external_message_id", .string)
            .field("metadata", .string)
            .field("created_at", .datetime, .required)
            .unique(on: "external_message_id")
            .create()

        try await database.schema(AttachmentModel.schema)
            .parleyID(database)
            .field("comment_id", .int)
            .field("ticket_id", .int)
            .field("upload_token", .string)
            .field("file_name", .string, .required)
            .field("content_type", .string, .required)
            .field("size", .int, .required)
            .field("sha256", .string, .required)
            .field("created_at", .datetime, .required)
            .create()

        try await database.schema(APITokenModel.schema)
            .parleyID(database)
            .field("description", .string, .required)
            .field("token_hash", .string, .required)
            .field("token_hint", .string, .required)
            .field("created_by", .int, .required)
            .field("created_at", .datetime, .required)
            .field("last_used_at", .datetime)
            .unique(on: "token_hash")
            .create()

        try await database.schema(SettingModel.schema)
            .field("key", .string, .identifier(auto: false))
            .field("value", .string, .required)
            .create()

        guard let sql = database as? SQLDatabase else { return }
        let indexes: [(String, String, [String])] = [
            ("tickets_status_updated", TicketModel.schema, ["status", "updated_at"]),
            ("tickets_requester", TicketModel.schema, ["requester_id"]),
            ("tickets_assignee", TicketModel.schema, ["assignee_id"]),
            ("tickets_updated", TicketModel.schema, ["updated_at"]),
            ("comments_ticket", CommentModel.schema, ["ticket_id", "id"]),
            ("audits_ticket", AuditModel.schema, ["ticket_id", "id"]),
            ("attachments_comment", AttachmentModel.schema, ["comment_id"]),
            ("attachments_upload", AttachmentModel.schema, ["upload_token"]),
            ("identities_user", UserIdentityModel.schema, ["user_id"]),
        ]
        for (name, table, columns) in indexes {
            var builder = sql.create(index: name).on(table)
            for column in columns { builder = builder.column(column) }
            try await builder.run()
        }
    }

    func revert(on database: Database) async throws {
        for schema in [
            SettingModel.schema, APITokenModel.schema, AttachmentModel.schema, CommentModel.schema,
            AuditModel.schema, TicketModel.schema, GroupModel.schema, UserIdentityModel.schema, UserModel.schema,
        ] {
            try await database.schema(schema).delete()
        }
    }
}
