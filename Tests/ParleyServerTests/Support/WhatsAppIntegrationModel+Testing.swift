import Fluent
import Foundation
@testable import ParleyServer

extension WhatsAppIntegrationModel {
    /// A number connected straight in the database (as the demo does), not through the integrations API.
    static func connected(phoneNumberID: String, wabaID: String, appSecret: String, on db: any Database) async throws
        -> WhatsAppIntegrationModel
    {
        let integration = WhatsAppIntegrationModel()
        integration.name = "Support"
        integration.phoneNumberID = phoneNumberID
        integration.wabaID = wabaID
        integration.displayNumber = "+351 210 000 000"
        integration.accessToken = "token"
        integration.appSecret = appSecret
        integration.verifyToken = "verify-\(phoneNumberID)"
        integration.maskCreditCardNumbers = true
        integration.templatesEnabled = false
        integration.markRead = false
        integration.createdAt = Date()
        integration.updatedAt = Date()
        try await integration.create(on: db)
        return integration
    }
}
