import Fluent
import ParleyCore
import Vapor
import WhatsAppCloud

/// Templates — WhatsApp's paid way to reach a user outside the 24-hour window, off unless an admin enables
/// them for the number: sync and list them, send one on a ticket, or open a ticket to a number with one.
struct WhatsAppTemplatesController: RouteCollection {
    func boot(routes: RoutesBuilder) throws {
        let templates = routes.grouped("channels", "whatsapp", "templates")
        templates.get(use: list)
        templates.grouped(RequireAdmin()).post("sync", use: sync)
        routes.post("tickets", ":ticket_id", "whatsapp", "template", use: sendOnTicket)
        routes.post("tickets", ":ticket_id", "whatsapp", "mark_read", use: markRead)
        routes.post("channels", "whatsapp", "outbound", use: openWithTemplate)
    }

    func list(req: Request) async throws -> JSONValue {
        let query = WhatsAppTemplateModel.query(on: req.db)
        if let integration = req.query[Int.self, at: "integration_id"] { query.filter(\.$integrationID == integration) }
        let all = try await query.sort(\.$name).sort(\.$language).all()
        return ["templates": .array(all.map(\.json)), "count": .int(all.count), "next_page": .null, "previous_page": .null]
    }

    /// Fetches every template of each integration's WhatsApp Business Account and replaces the stored list.
    func sync(req: Request) async throws -> JSONValue {
        let wanted = req.query[Int.self, at: "integration_id"]
        let integrations = try await WhatsAppIntegrationModel.query(on: req.db).all().filter { wanted == nil || $0.id == wanted }
        var synced = 0
        for integration in integrations {
            let remote: [MessageTemplate]
            do {
                remote = try await req.parley.graph.templates(wabaID: integration.wabaID, token: integration.accessToken)
            } catch let error as GraphAPIError {
                throw APIError(status: .badGateway, error: "WhatsAppError", description: "Template sync failed: \(error.summary)")
            }
            let integrationID = try integration.requireID()
            let now = req.parley.clock.now
            try await req.parley.writeGate.run {
                try await req.db.transaction { db in
                    try await WhatsAppTemplateModel.query(on: db).filter(\.$integrationID == integrationID).delete()
                    for template in remote {
                        let stored = WhatsAppTemplateModel()
                        stored.integrationID = integrationID
                        stored.templateID = template.id
                        stored.name = template.name
                        stored.language = template.language
                        stored.category = template.category
                        stored.status = template.status
                        stored.body = template.components.first { $0["type"]?.stringValue == "BODY" }?["text"]?.stringValue ?? ""
                        stored.components = JSONValue.array(template.components).encodedString()
                        stored.syncedAt = now
                        try await stored.create(on: db)
                    }
                }
            }
            synced += remote.count
        }
        var result = try await list(req: req).objectValue ?? [:]
        result["synced"] = .int(synced)
        return .object(result)
    }


    /// Reads `{"template": {"name", "language", "parameters": [...]}}` and checks it against the synced templates.
    private func templateComment(_ req: Request, integration: WhatsAppIntegrationModel, root: String) async throws -> NewComment {
        guard integration.templatesEnabled else {
            throw APIError.invalid("template", "Templates are off for this WhatsApp number. The way back is the end user writing again; an admin can enable templates for the number.")
        }
        var body = try RequestBody(req, root: root, known: ["name", "language", "parameters", "template", "integration_id", "phone", "requester_name", "subject"])
        var spec = body
        if root != "template", var nested = body.object("template", known: ["name", "language", "parameters"]) {
            spec = nested
            _ = nested.string("name")
        }
        let name = spec.string("name")
        let language = spec.string("language") ?? "en_US"
        let parameters = spec.strings("parameters") ?? []
        if name == nil { body.fail("name", "is required") }
        body.absorb(spec, prefix: "template")
        try body.validate()
        guard let template = try await WhatsAppTemplateModel.query(on: req.db)
            .filter(\.$integrationID == (try integration.requireID())).filter(\.$name == name!).filter(\.$language == language).first()
        else { throw APIError.invalid("template", "Template \(name!) (\(language)) is not synced for this number") }
        guard template.status == "APPROVED" else {
            throw APIError.invalid("template", "Template \(template.name) is \(template.status), not APPROVED")
        }
        guard let comment = template.comment(parameters: parameters) else {
            let expected = TemplateText.parameters(in: template.body).count
            throw APIError.invalid("template.parameters", "Template \(template.name) takes \(expected) parameters, got \(parameters.count)")
        }
        return comment
    }

    /// Sends an approved template on a WhatsApp ticket, inside or outside the window.
    func sendOnTicket(req: Request) async throws -> Response {
        let user = try req.currentUser
        let ticket = try await TicketsController.find(req)
        guard let integrationID = ticket.whatsappIntegrationID,
            let integration = try await WhatsAppIntegrationModel.find(integrationID, on: req.db)
        else { throw APIError.invalid("ticket", "This ticket is not a WhatsApp conversation") }
        var update = TicketUpdate()
        update.comment = try await templateComment(req, integration: integration, root: "template")
        let ticketID = try ticket.requireID()
        let now = req.parley.clock.now
        let result = try await req.parley.writeGate.run { [update] in
            try await req.parley.tickets(on: req.db, now: now).update(ticketID: ticketID, update, by: user.actor, via: .api)
        }
        TicketsController.announce(result, req: req)
        return try await TicketsController.ticketWithAudit(result, req: req).response(status: .created)
    }

    /// Opens a ticket to a phone number that never wrote in: only a template can start that conversation.
    func openWithTemplate(req: Request) async throws -> Response {
        let user = try req.currentUser
        var body = try RequestBody(req, root: "outbound", known: ["integration_id", "phone", "requester_name", "subject", "template"])
        let integrationID = body.int("integration_id")
        let phone = body.string("phone")?.filter(\.isNumber)
        let name = body.string("requester_name")
        let subject = body.string("subject")
        if integrationID == nil { body.fail("integration_id", "is required") }
        if phone?.isEmpty ?? true { body.fail("phone", "is required (digits with country code)") }
        if body.raw("template") == nil { body.fail("template", "is required: only a template can start a WhatsApp conversation") }
        try body.validate()
        guard let integration = try await WhatsAppIntegrationModel.find(integrationID!, on: req.db) else {
            throw APIError.invalid("integration_id", "No WhatsApp integration \(integrationID!)")
        }
        let comment = try await templateComment(req, integration: integration, root: "outbound")
        let templateName = comment.metadata?["whatsapp"]?["template"]?["name"]?.stringValue ?? "template"
        let now = req.parley.clock.now
        let result = try await req.parley.writeGate.run { [comment] in
            try await req.db.transaction { db in
                let requester = try await EndUserResolver(db: db, now: now).resolve(bsuid: nil, phone: phone, username: nil, name: name)
                var create = TicketUpdate()
                create.subject = subject ?? "WhatsApp: \(templateName) to \(requester.name)"
                create.requesterID = requester.id
                create.comment = comment
                return try await req.parley.tickets(on: db, now: now).create(create, by: user.actor, via: .api) { ticket in
                    ticket.whatsappIntegrationID = integrationID
                }
            }
        }
        TicketsController.announce(result, req: req)
        return try await TicketsController.ticketWithAudit(result, req: req).response(status: .created)
    }

    /// The agent opened the ticket: mark the end user's newest message read on WhatsApp.
    func markRead(req: Request) async throws -> Response {
        let ticket = try await TicketsController.find(req)
        guard let integrationID = ticket.whatsappIntegrationID else { return Response(status: .noContent) }
        let now = req.parley.clock.now
        try await req.parley.writeGate.run {
            try await OutboundPlanner(db: req.db, now: now, integrations: req.parley.integrations).queueMarkRead(ticket: ticket, integrationID: integrationID)
        }
        req.parley.outbox.wake()
        return Response(status: .accepted)
    }
}

extension WhatsAppTemplateModel {
    var json: JSONValue {
        [
            "id": .int(id ?? 0), "integration_id": .int(integrationID), "template_id": .string(templateID),
            "name": .string(name), "language": .string(language), "category": .string(category), "status": .string(status),
            "body": .string(body), "parameters": JSONValue(TemplateText.parameters(in: body)),
            "components": (try? JSONValue.parse(Data(components.utf8))) ?? [], "synced_at": JSONValue(syncedAt),
        ]
    }
}
