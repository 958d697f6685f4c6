import FluentKit
import SQLiteNIO

extension TicketRow {
    /// Every column a row holds, as `TicketModel` names them.
    static let columns: [FieldKey] = [
        "id", "subject", "description", "status", "priority", "type", "tags", "requester_id", "submitter_id",
        "assignee_id", "group_id", "external_id", "via_channel", "via_source", "followup_source_id", "created_at",
        "updated_at", "solved_at", "last_end_user_message_at", "whatsapp_integration_id", "status_changed_at",
        "assigned_at", "requester_updated_at",
    ]

    /// The columns as a direct read selects them, written once.
    static let selectList = SelectList(columns: columns, of: TicketModel.schema)

    /// A row of a direct SQLite read, its columns named by their bare keys.
    init(sqlite row: SQLiteRow) throws {
        self.init(
            id: try row.value("id"), subject: try row.optionalValue("subject"),
            description: try row.optionalValue("description"), status: try row.value("status"),
            priority: try row.optionalValue("priority"), type: try row.optionalValue("type"),
            tagsText: try row.value("tags"), requesterID: try row.optionalValue("requester_id"),
            submitterID: try row.optionalValue("submitter_id"), assigneeID: try row.optionalValue("assignee_id"),
            groupID: try row.optionalValue("group_id"), externalID: try row.optionalValue("external_id"),
            viaChannel: try row.value("via_channel"), viaSource: try row.optionalValue("via_source"),
            followupSourceID: try row.optionalValue("followup_source_id"), createdAt: try row.value("created_at"),
            updatedAt: try row.value("updated_at"), solvedAt: try row.optionalValue("solved_at"),
            lastEndUserMessageAt: try row.optionalValue("last_end_user_message_at"),
            whatsappIntegrationID: try row.optionalValue("whatsapp_integration_id"),
            statusChangedAt: try row.optionalValue("status_changed_at"), assignedAt: try row.optionalValue("assigned_at"),
            requesterUpdatedAt: try row.optionalValue("requester_updated_at"))
    }
}

extension QueryBuilder where Model == TicketModel {
    /// The query's tickets as plain rows (every column), without building a model per ticket on SQLite.
    func ticketRows() async throws -> [TicketRow] {
        let query = copy()
        query.query.fields = TicketRow.columns.map { .extendedPath([$0], schema: TicketModel.schemaOrAlias, space: nil) }
        return try await query.plainRows(select: TicketRow.selectList, sqlite: TicketRow.init(sqlite:), models: TicketRow.init)
    }
}
