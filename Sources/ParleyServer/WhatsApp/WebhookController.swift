import Fluent
import Foundation
import ParleyCore
import Vapor
import WhatsAppCloud

/// `GET|POST /webhooks/whatsapp`: one URL for every connected number, routed by `metadata.phone_number_id`.
/// Answers fast: nothing here calls the Graph API (media is fetched afterwards).
struct WebhookController: RouteCollection {
    /// Meta sends up to 3 MB.
    static let maxBodyBytes = 4 * 1024 * 1024

    func boot(routes: RoutesBuilder) throws {
        let webhooks = routes.grouped("webhooks", "whatsapp")
        webhooks.get(use: verify)
        webhooks.on(.POST, body: .collect(maxSize: ByteCount(value: Self.maxBodyBytes)), use: receive)
    }

    /// Meta's handshake when the callback URL is saved: echo the challenge if the verify token is one of ours.
    func verify(req: Request) async throws -> Response {
        let mode = req.query[String.self, at: "hub.mode"]
        let token = req.query[String.self, at: "hub.verify_token"] ?? ""
        let challenge = req.query[String.self, at: "hub.challenge"] ?? ""
        guard mode == "subscribe", !token.isEmpty,
            try await WhatsAppIntegrationModel.query(on: req.db).filter(\.$verifyToken == token).count() > 0
        else {
            req.logger.notice("webhook verification refused")
            throw APIError(status: .forbidden, error: "VerificationFailed", description: "hub.mode or hub.verify_token is wrong")
        }
        return Response(status: .ok, headers: ["Content-Type": "text/plain"], body: .init(string: challenge))
    }

    func receive(req: Request) async throws -> Response {
        guard let buffer = req.body.data, buffer.readableBytes > 0 else {
            throw APIError.badRequest("The webhook body is empty")
        }
        guard buffer.readableBytes <= Self.maxBodyBytes else {
            throw APIError(status: .payloadTooLarge, error: "PayloadTooLarge", description: "Webhook bodies are limited to 4 MB")
        }
        let body = Data(buffer: buffer)
        // The signature is checked on `body`, the bytes as sent; what is read and stored has no NUL characters.
        guard let document = try? JSONValue.parseRequestDocument(body), document.objectValue != nil else {
            throw APIError.badRequest("The webhook body is not a JSON object")
        }
        let phoneIDs = WebhookParser.phoneNumberIDs(in: document)
        let wabaIDs = Set((document["entry"]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue })
        let integrations = try await req.parley.integrations.routing(phoneNumberIDs: phoneIDs, wabaIDs: wabaIDs, on: req.db)
        guard !integrations.isEmpty else {
            // Unknown number: answer 200 so Meta stops retrying; store nothing.
            req.logger.warning("webhook for an unknown phone number id", metadata: ["phone_number_ids": "\(phoneIDs.sorted())"])
            return JSONValue.object(["status": "ignored", "reason": "unknown phone number id"]).response(status: .ok)
        }
        let header = req.headers.first(name: SignatureVerifier.headerName)
        for secret in Set(integrations.map(\.appSecret)) where !SignatureVerifier.isValid(body: body, header: header, secret: secret) {
            req.logger.warning("webhook signature missing or wrong")
            req.parley.metrics.countBadSignature()
            throw APIError(status: .unauthorized, error: "InvalidSignature",
                           description: "X-Hub-Signature-256 is missing or does not match the body")
        }
        let events: [WebhookEvent]
        do {
            events = try WebhookParser.parse(document)
        } catch {
            throw APIError.badRequest("The webhook body is not a WhatsApp webhook: it has no entry array")
        }
        let now = req.parley.clock.now
        let (logger, parley) = (req.logger, req.parley)
        let summary = try await req.parley.inboundCommits.run(keys: InboundService.conversationKeys(events)) { db in
            try await InboundService(db: db, now: now, logger: logger, triggers: parley.triggers, integrations: parley.integrations)
                .process(events, integrations: integrations)
        }
        req.parley.metrics.countInbound(storedByType: summary.storedByType, duplicates: summary.duplicates)
        if summary.mediaQueued > 0 { req.parley.media.wake() }
        req.parley.live.publish(summary.live)
        req.logger.info("webhook processed", metadata: [
            "stored": "\(summary.stored)", "duplicates": "\(summary.duplicates)", "statuses": "\(summary.statuses)",
        ])
        return JSONValue.object([
            "status": "ok", "stored": .int(summary.stored), "duplicates": .int(summary.duplicates),
            "statuses": .int(summary.statuses), "recorded": .int(summary.recorded),
        ]).response(status: .ok)
    }
}
