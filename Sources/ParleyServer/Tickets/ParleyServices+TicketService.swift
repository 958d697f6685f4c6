import Fluent
import Foundation

extension ParleyServices {
    /// Tickets written on `db` with what this instance keeps between writes (the active triggers, the numbers).
    func tickets(on db: any Database, now: Date) -> TicketService {
        TicketService(db: db, now: now, triggers: triggers, integrations: integrations)
    }
}
