import Fluent
import Foundation

extension WhatsAppIntegrationModel {
    /// Records a permanent error of the number (an expired or revoked token, a policy block…), which stops
    /// every send and download of it until an admin acts: the admin page shows `error` and when it happened.
    func markUnhealthy(_ error: String, at now: Date, on db: Database) async throws {
        healthError = error
        healthErrorAt = now
        try await save(on: db)
    }
}
