import Fluent
import ParleyCore
import Vapor

/// `/api/v2/channels/whatsapp/integrations` (admins): connect numbers. The access token and app secret are
/// write-only; the verify token is shown so the admin can paste it into Meta's console.
struct WhatsAppIntegrationsController: RouteCollection {
    static let knownFields: Set<String> = [
        "id", "url", "name", "phone_number_id", "waba_id", "display_number", "access_token", "app_secret",
        "verify_token", "mask_credit_card_numbers", "templates_enabled", "webhook_url", "health", "created_at",
        "updated_at", "access_token_set", "app_secret_set", "mark_read",
    ]

    func boot(routes: RoutesBuilder) throws {
        let integrations = routes.grouped("channels", "whatsapp", "integrations").grouped(RequireAdmin())
        integrations.get(use: list)
        integrations.post(use: create)
        integrations.get(":integration_id", use: show)
        integrations.put(":integration_id", use: update)
        integrations.patch(":integration_id", use: update)
        integrations.delete(":integration_id", use: delete)
    }

    func list(req: Request) async throws -> JSONValue {
        let all = try await WhatsAppIntegrationModel.query(on: req.db).sort(\.$id).all()
        return ["integrations": .array(all.map { $0.json(baseURL: req.baseURL) }), "count": .int(all.count),
                "next_page": .null, "previous_page": .null]
    }

    func show(req: Request) async throws -> JSONValue {
        ["integration": try await Self.find(req).json(baseURL: req.baseURL)]
    }

    func create(req: Request) async throws -> Response {
        var body = try RequestBody(req, root: "integration", known: Self.knownFields)
        let integration = WhatsAppIntegrationModel()
        let now = req.parley.clock.now
        integration.createdAt = now
        try await apply(&body, to: integration, creating: true, on: req)
        integration.updatedAt = now
        try await req.parley.integrations.forgetting { try await integration.create(on: req.db) }
        req.logger.info("WhatsApp integration connected", metadata: ["integration_id": "\(integration.id ?? 0)"])
        return JSONValue.object(["integration": integration.json(baseURL: req.baseURL)]).response(status: .created)
    }

    func update(req: Request) async throws -> JSONValue {
        let integration = try await Self.find(req)
        var body = try RequestBody(req, root: "integration", known: Self.knownFields)
        try await apply(&body, to: integration, creating: false, on: req)
        integration.updatedAt = req.parley.clock.now
        try await req.parley.integrations.forgetting { try await integration.save(on: req.db) }
        return ["integration": integration.json(baseURL: req.baseURL)]
    }

    func delete(req: Request) async throws -> Response {
        let integration = try await Self.find(req)
        try await req.parley.integrations.forgetting { try await integration.delete(on: req.db) }
        return Response(status: .noContent)
    }

    private func apply(_ body: inout RequestBody, to integration: WhatsAppIntegrationModel, creating: Bool, on req: Request)
        async throws
    {
        let phoneNumberID = body.string("phone_number_id")?.trimmingCharacters(in: .whitespaces)
        let wabaID = body.string("waba_id")?.trimmingCharacters(in: .whitespaces)
        let displayNumber = body.string("display_number")
        let name = body.string("name")
        let accessToken = body.string("access_token")
        let appSecret = body.string("app_secret")
        let verifyToken = body.string("verify_token")
        let mask = body.bool("mask_credit_card_numbers")
        let templates = body.bool("templates_enabled")
        let markRead = body.bool("mark_read")
        if creating {
            for (key, value) in [("phone_number_id", phoneNumberID), ("waba_id", wabaID), ("access_token", accessToken),
                                 ("app_secret", appSecret)] where value?.isEmpty ?? true
            {
                body.fail(key, "is required")
            }
        }
        for (key, value) in [("phone_number_id", phoneNumberID), ("waba_id", wabaID), ("access_token", accessToken),
                             ("app_secret", appSecret), ("verify_token", verifyToken)]
        where value?.isEmpty == true {
            body.fail(key, "cannot be blank")
        }
        if let phoneNumberID, !phoneNumberID.allSatisfy(\.isNumber) { body.fail("phone_number_id", "must be digits") }
        try body.validate()
        if let phoneNumberID, phoneNumberID != integration.$phoneNumberID.value {
            let taken = try await WhatsAppIntegrationModel.query(on: req.db).filter(\.$phoneNumberID == phoneNumberID).count()
            if taken > 0 { throw APIError.invalid("phone_number_id", "phone_number_id: \(phoneNumberID) is already connected") }
            integration.phoneNumberID = phoneNumberID
        }
        if let wabaID { integration.wabaID = wabaID }
        if let displayNumber { integration.displayNumber = displayNumber }
        if let accessToken {
            integration.accessToken = accessToken
            // A new token is the usual cure for an unhealthy integration.
            integration.healthError = nil
            integration.healthErrorAt = nil
        }
        if let appSecret { integration.appSecret = appSecret }
        if let verifyToken { integration.verifyToken = verifyToken }
        if let mask { integration.maskCreditCardNumbers = mask }
        if let templates { integration.templatesEnabled = templates }
        if let markRead { integration.markRead = markRead }
        if creating {
            integration.displayNumber = displayNumber ?? phoneNumberID ?? ""
            integration.name = name ?? "WhatsApp \(integration.displayNumber)"
            integration.verifyToken = verifyToken ?? APIToken.generate()
            integration.maskCreditCardNumbers = mask ?? true
            integration.templatesEnabled = templates ?? false
            integration.markRead = markRead ?? true
        } else if let name {
            integration.name = name
        }
    }

    static func find(_ req: Request) async throws -> WhatsAppIntegrationModel {
        guard let id = req.parameters.get("integration_id", as: Int.self),
            let integration = try await WhatsAppIntegrationModel.find(id, on: req.db)
        else { throw APIError.notFound() }
        return integration
    }
}

extension WhatsAppIntegrationModel {
    func json(baseURL: String) -> JSONValue {
        let id = self.id ?? 0
        return [
            "id": .int(id),
            "url": .string("\(baseURL)/api/v2/channels/whatsapp/integrations/\(id).json"),
            "name": .string(name),
            "phone_number_id": .string(phoneNumberID),
            "waba_id": .string(wabaID),
            "display_number": .string(displayNumber),
            "verify_token": .string(verifyToken),
            "webhook_url": .string("\(baseURL)/webhooks/whatsapp"),
            "access_token_set": .bool(!accessToken.isEmpty),
            "app_secret_set": .bool(!appSecret.isEmpty),
            "mask_credit_card_numbers": .bool(maskCreditCardNumbers),
            "templates_enabled": .bool(templatesEnabled),
            "mark_read": .bool(markRead),
            "health": [
                "status": healthError == nil ? "ok" : "error",
                "error": JSONValue(healthError),
                "error_at": JSONValue(healthErrorAt),
            ],
            "created_at": JSONValue(createdAt),
            "updated_at": JSONValue(updatedAt),
        ]
    }
}
