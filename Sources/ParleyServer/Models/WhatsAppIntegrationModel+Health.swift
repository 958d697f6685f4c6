import Fluent
import Foundation

extension WhatsAppIntegrationModel {
    /// Records a permanent error of the number (an expired or revoked token, a policy block…), which stops
    /// every send and download of it until an admin acts: the admin page shows `error` and when it happened.
    /// Written by id, leaving any model as read: webhooks share the integrations they route by (`KnownIntegrations`).
    /// A number deleted meanwhile is left alone (the update matches no row).
    static func markUnhealthy(integrationID: Int, _ error: String, at now: Date, on db: any Database) async throws {
        try await WhatsAppIntegrationModel.query(on: db).filter(\.$id == integrationID)
            .set(\.$healthError, to: error).set(\.$healthErrorAt, to: now).update()
    }
}
