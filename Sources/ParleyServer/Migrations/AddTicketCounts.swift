import Fluent
import SQLKit

/// Keeps how many tickets each status and assignee has in `ticket_counts`, maintained by triggers in the
/// database itself, so a view's count is a sum over a few rows instead of a scan of every matching ticket (on a
/// million tickets, counting "Open" took longer than everything else an agent's click does). Triggers see every
/// write, whoever makes it (any instance, `parley seed`, a future code path), in the same transaction, so the
/// counts are exact. Each key is spread over `TicketCounts.shards` rows by ticket id: on PostgreSQL concurrent
/// transactions creating tickets would otherwise all wait for one row.
///
/// Also indexes what the other views filter and sort by: assignee with status and update time (Assigned to me,
/// Unassigned), and the end user's last message (WhatsApp window closing soon).
struct AddTicketCounts: AsyncMigration {
    func prepare(on database: Database) async throws {
        guard let sql = database as? SQLDatabase else { return }
        let shards = "\(TicketCounts.shards)"
        // The trigger bodies of both stores: count the ticket's new key, uncount its old one.
        let add = """
            INSERT INTO ticket_counts VALUES (NEW.status, COALESCE(NEW.assignee_id, 0), NEW.id % \(shards), 1)
            ON CONFLICT (status, assignee_id, shard) DO UPDATE SET n = ticket_counts.n + 1;
            """
        let remove = """
            UPDATE ticket_counts SET n = n - 1 WHERE status = OLD.status AND assignee_id = COALESCE(OLD.assignee_id, 0)
            AND shard = OLD.id % \(shards);
            """
        if sql.isPostgreSQL {
            try await sql.raw("""
                CREATE TABLE ticket_counts (status TEXT NOT NULL, assignee_id BIGINT NOT NULL, shard INT NOT NULL,
                    n BIGINT NOT NULL, PRIMARY KEY (status, assignee_id, shard))
                """).run()
            // A status change touches two rows; taking them in key order means two changes in opposite
            // directions (open → pending, pending → open) cannot deadlock on each other.
            try await sql.raw("""
                CREATE FUNCTION parley_ticket_counts() RETURNS trigger LANGUAGE plpgsql AS $$
                DECLARE
                    old_key TEXT;
                    new_key TEXT;
                BEGIN
                    IF TG_OP <> 'INSERT' THEN
                        old_key := OLD.status || '/' || COALESCE(OLD.assignee_id, 0);
                    END IF;
                    IF TG_OP <> 'DELETE' THEN
                        new_key := NEW.status || '/' || COALESCE(NEW.assignee_id, 0);
                    END IF;
                    IF TG_OP = 'UPDATE' AND new_key < old_key THEN
                        \(unsafeRaw: add)
                        \(unsafeRaw: remove)
                        RETURN NULL;
                    END IF;
                    IF old_key IS NOT NULL THEN
                        \(unsafeRaw: remove)
                    END IF;
                    IF new_key IS NOT NULL THEN
                        \(unsafeRaw: add)
                    END IF;
                    RETURN NULL;
                END $$
                """).run()
            try await sql.raw("""
                CREATE TRIGGER tickets_count_insert_delete AFTER INSERT OR DELETE ON tickets
                FOR EACH ROW EXECUTE FUNCTION parley_ticket_counts()
                """).run()
            try await sql.raw("""
                CREATE TRIGGER tickets_count_update AFTER UPDATE OF status, assignee_id ON tickets FOR EACH ROW
                WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.assignee_id IS DISTINCT FROM NEW.assignee_id)
                EXECUTE FUNCTION parley_ticket_counts()
                """).run()
        } else {
            try await sql.raw("""
                CREATE TABLE ticket_counts (status TEXT NOT NULL, assignee_id INTEGER NOT NULL, shard INTEGER NOT NULL,
                    n INTEGER NOT NULL, PRIMARY KEY (status, assignee_id, shard))
                """).run()
            try await sql.raw("CREATE TRIGGER tickets_count_insert AFTER INSERT ON tickets BEGIN \(unsafeRaw: add) END").run()
            try await sql.raw("CREATE TRIGGER tickets_count_delete AFTER DELETE ON tickets BEGIN \(unsafeRaw: remove) END").run()
            try await sql.raw("""
                CREATE TRIGGER tickets_count_update AFTER UPDATE OF status, assignee_id ON tickets
                WHEN OLD.status IS NOT NEW.status OR OLD.assignee_id IS NOT NEW.assignee_id
                BEGIN \(unsafeRaw: remove) \(unsafeRaw: add) END
                """).run()
        }
        // The tickets already there.
        try await sql.raw("""
            INSERT INTO ticket_counts (status, assignee_id, shard, n)
            SELECT status, COALESCE(assignee_id, 0), id % \(unsafeRaw: shards), COUNT(*) FROM tickets
            GROUP BY status, COALESCE(assignee_id, 0), id % \(unsafeRaw: shards)
            """).run()
        try await sql.create(index: "tickets_assignee_status_updated").on(TicketModel.schema)
            .column("assignee_id").column("status").column("updated_at").run()
        try await sql.drop(index: "tickets_assignee").run()
        try await sql.create(index: "tickets_last_end_user_message").on(TicketModel.schema)
            .column("last_end_user_message_at").run()
    }

    func revert(on database: Database) async throws {
        guard let sql = database as? SQLDatabase else { return }
        try await sql.drop(index: "tickets_last_end_user_message").run()
        try await sql.create(index: "tickets_assignee").on(TicketModel.schema).column("assignee_id").run()
        try await sql.drop(index: "tickets_assignee_status_updated").run()
        if sql.isPostgreSQL {
            try await sql.raw("DROP TRIGGER tickets_count_update ON tickets").run()
            try await sql.raw("DROP TRIGGER tickets_count_insert_delete ON tickets").run()
            try await sql.raw("DROP FUNCTION parley_ticket_counts()").run()
        } else {
            for trigger in ["tickets_count_update", "tickets_count_delete", "tickets_count_insert"] {
                try await sql.raw("DROP TRIGGER \(unsafeRaw: trigger)").run()
            }
        }
        try await sql.raw("DROP TABLE ticket_counts").run()
    }
}
