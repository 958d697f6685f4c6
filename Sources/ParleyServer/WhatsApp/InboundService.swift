import Fluent
import Foundation
import Logging
import ParleyCore
import WhatsAppCloud

/// Turns webhook events into tickets, comments and audits. Each message is its own transaction (or joins the
/// group commit's), which starts by claiming the message id in the inbound ledger (unique), so a redelivery is
/// stored once; a duplicate is found by that first write, before the message wrote anything else.
struct InboundService {
    let db: Database
    let now: Date
    let logger: Logger
    var triggers: ActiveTriggersCache?
    /// Where the connected numbers are kept, for the replies triggers write (none: read each time).
    var integrations: KnownIntegrations?

    struct Summary: Sendable, Equatable {
        var stored = 0
        var duplicates = 0
        var statuses = 0
        var recorded = 0
        var mediaQueued = 0
        /// Messages stored, by WhatsApp message type (`/metrics` counts them once the webhook is done).
        var storedByType: [String: Int] = [:]
        /// What connected agents should hear about once the transaction committed.
        var live: [JSONValue] = []
    }

    struct Duplicate: Error {}

    /// The same service on the transaction `db`.
    private func inside(_ db: any Database) -> InboundService {
        InboundService(db: db, now: now, logger: logger, triggers: triggers, integrations: integrations)
    }

    /// Ticket writes with what this service keeps (the active triggers, the numbers).
    private var tickets: TicketService {
        TicketService(db: db, now: now, triggers: triggers, integrations: integrations)
    }

    func process(_ events: [WebhookEvent], integrations: [WhatsAppIntegrationModel]) async throws -> Summary {
        var summary = Summary()
        for event in events {
            let routing = event.routing
            guard let integration = integrations.first(where: { $0.phoneNumberID == routing.phoneNumberID })
                ?? integrations.first(where: { $0.wabaID == routing.wabaID })
            else { continue }
            do {
                try await withRetries { try await handle(event, integration: integration, summary: &summary) }
            } catch is Duplicate {
                summary.duplicates += 1
            }
        }
        return summary
    }

    /// A unique-constraint race (two first messages of one new user at once) resolves itself on a second try.
    /// Not inside a group commit: what the failed try wrote is rolled back only with the whole group, which then
    /// runs each webhook again alone.
    private func withRetries(_ body: () async throws -> Void) async throws {
        var attempt = 0
        while true {
            do {
                try await body()
                return
            } catch let error as DatabaseError where error.isConstraintFailure && attempt < 2 && !db.inTransaction {
                attempt += 1
            }
        }
    }

    private func handle(_ event: WebhookEvent, integration: WhatsAppIntegrationModel, summary: inout Summary) async throws {
        switch event {
        case .message(_, let originalContact, let original):
            let mask = integration.maskCreditCardNumbers
            let (message, inMessage) = mask ? original.redactingCards() : (original, 0)
            let (contact, inName) = mask ? originalContact.map { $0.redactingCards() } ?? (nil, 0) : (originalContact, 0)
            let redactions = inMessage + inName
            let (queued, ticketID) = try await handleMessage(message, contact: contact, redactions: redactions, integration: integration)
            summary.stored += 1
            summary.storedByType[message.type, default: 0] += 1
            summary.mediaQueued += queued
            if let ticketID { summary.live.append(["type": "message.received", "ticket_id": .int(ticketID)]) }
        case .status(_, let status):
            if let event = try await StatusRecorder(db: db, now: now, logger: logger).record(status, integration: integration) {
                summary.live.append(event)
            }
            summary.statuses += 1
        case .call(_, let contact, let call):
            try await handleCall(call, contact: contact, integration: integration)
            summary.stored += 1
        case .error(_, let error):
            logger.warning("WhatsApp reported an error", metadata: ["code": "\(error.code)", "integration_id": "\(integration.id ?? 0)"])
            try await record(field: "error", .object(["code": .int(error.code), "title": JSONValue(error.title),
                                                      "details": JSONValue(error.errorData?.details)]), integration: integration)
            summary.recorded += 1
        case .unreadable(_, let field, let raw), .other(_, let field, let raw):
            try await record(field: field, raw, integration: integration)
            summary.recorded += 1
        }
    }

    // MARK: - Messages

    private func claim(_ wamid: String, kind: String, integration: WhatsAppIntegrationModel, on db: Database) async throws
        -> InboundMessageModel
    {
        let entry = InboundMessageModel(wamid: wamid, integrationID: try integration.requireID(), kind: kind, receivedAt: now)
        do {
            try await entry.createDirectly(on: db)
        } catch let error as DatabaseError where error.isConstraintFailure {
            throw Duplicate()
        }
        return entry
    }

    /// Returns how many media downloads it queued and the ticket it touched.
    private func handleMessage(_ message: InboundMessage, contact: Contact?, redactions: Int, integration: WhatsAppIntegrationModel)
        async throws -> (Int, Int?)
    {
        guard let wamid = message.id else {
            try await record(field: "message_without_id", message: message, integration: integration)
            return (0, nil)
        }
        return try await db.transaction { db -> (Int, Int?) in
            if let sender = message.fromUserID ?? contact?.userID ?? message.from ?? contact?.waID {
                try await db.lockUntilCommit("conversation:\(integration.id ?? 0):\(sender)")
            }
            let entry = try await claim(wamid, kind: message.type, integration: integration, on: db)
            let inbound = inside(db)
            if message.groupID != nil {
                // Group chats are out of scope: recorded in the ledger, never threaded into tickets.
                entry.kind = "group"
                try await entry.saveDirectly(on: db)
                return (0, nil)
            }
            let resolver = EndUserResolver(db: db, now: now)
            switch message.type {
            case "reaction":
                return (0, try await inbound.react(message, contact: contact, integration: integration))
            case "edit":
                return (0, try await inbound.edit(message, redactions: redactions, integration: integration))
            case "revoke":
                return (0, try await inbound.revoke(message, integration: integration))
            case "system":
                try await inbound.systemNotice(message, contact: contact, resolver: resolver)
                return (0, nil)
            default:
                let (user, newest) = try await resolver.resolve(
                    bsuid: message.fromUserID ?? contact?.userID, phone: message.from ?? contact?.waID,
                    username: contact?.profile?.username, name: contact?.profile?.name, newestTicketOn: try integration.requireID())
                let result = try await inbound.addToConversation(
                    message, from: user, newest: newest, redactions: redactions, integration: integration)
                return (result.queuedMedia, result.ticket.id)
            }
        }
    }

    private func addToConversation(
        _ message: InboundMessage, from user: UserModel, newest: EndUserResolver.NewestTicket, redactions: Int,
        integration: WhatsAppIntegrationModel
    ) async throws -> (ticket: TicketModel, queuedMedia: Int) {
        let quoted = try await quotedComment(message.context?.id)
        let content = MessageContent(message, quoted: quoted)
        let sentAt = message.sentAt ?? now
        var comment = NewComment(body: content.text, htmlBody: content.html, isPublic: !content.isNote)
        comment.channelMessageID = message.id
        comment.sentAt = sentAt
        comment.metadata = ["system": [:], "custom": [:], "whatsapp": .object(content.details)]
        var extra: [AuditEvent] = []
        if redactions > 0 {
            extra.append(AuditEvent(type: .redaction, data: [
                "count": .int(redactions), "reason": "Credit card numbers were masked before storing the message",
            ]))
        }
        let actor = user.actor
        let integrationID = try integration.requireID()
        let forward: @Sendable (TicketModel) -> Void = { ticket in
            ticket.lastEndUserMessageAt = max(ticket.lastEndUserMessageAt ?? sentAt, sentAt)
            ticket.$whatsappIntegrationID.change(to: integrationID)
        }
        let service = tickets
        let latest = try await latestTicket(newest, of: try user.requireID(), on: integrationID)
        let result: TicketService.Result
        if let latest, latest.status != TicketStatus.closed.rawValue {
            var update = TicketUpdate()
            update.comment = comment
            // The requester's reply puts a waiting or solved ticket back in the agents' queue, as in Zendesk.
            if ["pending", "hold", "solved"].contains(latest.status) { update.status = .open }
            result = try await service.update(latest, update, by: actor, via: .whatsapp, extraEvents: extra, prepare: forward)
        } else {
            var create = TicketUpdate()
            create.subject = SubjectLine.from(content.subject)
            create.requesterID = user.id
            create.comment = comment
            let followUp = latest?.id
            let source: JSONValue = ["from": ["name": .string(user.name), "phone": JSONValue(user.phone)],
                                     "to": ["phone_number_id": .string(integration.phoneNumberID),
                                            "display_number": .string(integration.displayNumber)], "rel": .null]
            result = try await service.create(create, by: actor, via: .whatsapp, viaSource: source, extraEvents: extra) { ticket in
                forward(ticket)
                ticket.followupSourceID = followUp
            }
        }
        var queued = 0
        if let media = content.media, let stored = result.comment {
            let attachment = AttachmentModel()
            attachment.commentID = stored.id
            attachment.ticketID = stored.ticketID
            attachment.fileName = media.fileName
            attachment.contentType = media.mimeType
            attachment.size = 0
            attachment.sha256 = ""
            attachment.createdAt = now
            attachment.mediaStatus = "pending"
            attachment.mediaID = media.id
            attachment.mediaKind = media.kind
            attachment.mediaIntegrationID = integrationID
            attachment.mediaAttempts = 0
            attachment.mediaNextAttemptAt = now
            attachment.mediaExpectedSHA256 = media.sha256
            try await attachment.createDirectly(on: db)
            queued = 1
        }
        return (result.ticket, queued)
    }

    private func quotedComment(_ wamid: String?) async throws -> (commentID: Int, excerpt: String)? {
        guard let wamid, let comment = try await CommentModel.query(on: db).filter(\.$externalMessageID == wamid).first()
        else { return nil }
        return (try comment.requireID(), String(comment.body.prefix(200)))
    }

    private func comment(for wamid: String?) async throws -> CommentModel? {
        guard let wamid else { return nil }
        return try await CommentModel.query(on: db).filter(\.$externalMessageID == wamid).first()
    }

    private func note(on ticketID: Int, by authorID: Int?, _ events: [AuditEvent], lastMessageAt: Date?) async throws {
        try await AuditModel(ticketID: ticketID, authorID: authorID, via: .whatsapp, events: events, now: now).createDirectly(on: db)
        if let ticket = try await TicketModel.find(ticketID, on: db) {
            ticket.updatedAt = now
            if let lastMessageAt { ticket.lastEndUserMessageAt = max(ticket.lastEndUserMessageAt ?? lastMessageAt, lastMessageAt) }
            try await ticket.saveDirectly(on: db)
        }
    }

    /// A reaction is an event on the comment it reacts to, never a comment of its own.
    private func react(_ message: InboundMessage, contact: Contact?, integration: WhatsAppIntegrationModel) async throws -> Int? {
        guard let reaction = message.reaction, let target = try await comment(for: reaction.messageID) else {
            try await record(field: "reaction_unmatched", message: message, integration: integration)
            return nil
        }
        let emoji = reaction.emoji.flatMap { $0.isEmpty ? nil : $0 }
        var metadata = target.metadataJSON
        var whatsapp = metadata["whatsapp"]?.objectValue ?? [:]
        whatsapp["reaction"] = emoji.map { ["emoji": .string($0), "by": "end-user", "at": .string((message.sentAt ?? now).iso8601)] } ?? .null
        metadata["whatsapp"] = .object(whatsapp)
        target.metadata = JSONValue.object(metadata).encodedString()
        try await target.saveDirectly(on: db)
        let event = AuditEvent(type: .channelEvent, data: [
            "event": emoji == nil ? "reaction_removed" : "reaction", "comment_id": .int(try target.requireID()),
            "emoji": JSONValue(emoji),
        ])
        try await note(on: target.ticketID, by: nil, [event], lastMessageAt: message.sentAt)
        return target.ticketID
    }

    /// The end user edited a message: the comment shows the new text; the event log keeps both versions.
    private func edit(_ message: InboundMessage, redactions: Int, integration: WhatsAppIntegrationModel) async throws -> Int? {
        guard let edit = message.edit, let target = try await comment(for: edit.originalMessageID),
            let newContent = edit.newContent
        else {
            // The original may not have arrived (out-of-order delivery): keep the new text rather than drop it.
            try await record(field: "edit_unmatched", message: message, integration: integration)
            return nil
        }
        let content = MessageContent(newContent, quoted: nil)
        let previous = target.body
        target.body = content.text
        target.htmlBody = content.html
        var metadata = target.metadataJSON
        var whatsapp = metadata["whatsapp"]?.objectValue ?? [:]
        whatsapp["edited"] = true
        whatsapp["edited_at"] = .string((message.sentAt ?? now).iso8601)
        metadata["whatsapp"] = .object(whatsapp)
        target.metadata = JSONValue.object(metadata).encodedString()
        try await target.saveDirectly(on: db)
        var events = [AuditEvent(type: .channelEvent, fieldName: "comment_body", value: .string(content.text),
                                 previousValue: .string(previous),
                                 data: ["event": "edit", "comment_id": .int(try target.requireID())])]
        if redactions > 0 {
            events.append(AuditEvent(type: .redaction, data: ["count": .int(redactions),
                                                              "reason": "Credit card numbers were masked before storing the message"]))
        }
        try await note(on: target.ticketID, by: target.authorID, events, lastMessageAt: message.sentAt)
        return target.ticketID
    }

    /// The end user deleted a message: it stays as the record, marked as deleted by them.
    private func revoke(_ message: InboundMessage, integration: WhatsAppIntegrationModel) async throws -> Int? {
        guard let original = message.revoke?.originalMessageID, let target = try await comment(for: original) else {
            try await record(field: "revoke_unmatched", message: message, integration: integration)
            return nil
        }
        var metadata = target.metadataJSON
        var whatsapp = metadata["whatsapp"]?.objectValue ?? [:]
        whatsapp["deleted_by_end_user"] = true
        whatsapp["deleted_at"] = .string((message.sentAt ?? now).iso8601)
        metadata["whatsapp"] = .object(whatsapp)
        target.metadata = JSONValue.object(metadata).encodedString()
        try await target.saveDirectly(on: db)
        let event = AuditEvent(type: .channelEvent, data: ["event": "revoke", "comment_id": .int(try target.requireID())])
        try await note(on: target.ticketID, by: target.authorID, [event], lastMessageAt: nil)
        return target.ticketID
    }

    /// Identity notices: a new BSUID or phone number updates the same user instead of creating another.
    private func systemNotice(_ message: InboundMessage, contact: Contact?, resolver: EndUserResolver) async throws {
        let kind = message.system?["type"]?.stringValue ?? ""
        let currentID = message.fromUserID ?? contact?.userID
        switch kind {
        case "user_changed_user_id":
            if let old = message.system?["previous_user_id"]?.stringValue ?? currentID,
                let new = message.system?["user_id"]?.stringValue
            {
                try await resolver.changeBSUID(from: old, to: new)
            }
        case "user_changed_number", "customer_changed_number":
            guard let newPhone = message.system?["wa_id"]?.stringValue ?? message.system?["new_wa_id"]?.stringValue else { return }
            var user: UserModel?
            if let currentID { user = try await resolver.owner(of: .whatsappBSUID, currentID) }
            if user == nil, let from = message.from { user = try await resolver.owner(of: .phoneNumber, EndUserResolver.phoneIdentity(from)) }
            if let user { try await resolver.changePhone(of: user, to: newPhone) }
        default:
            break
        }
    }

    // MARK: - Calls

    /// Parley never answers a call: the attempt becomes an internal note and an event on the end user's ticket.
    private func handleCall(_ call: CallEvent, contact: Contact?, integration: WhatsAppIntegrationModel) async throws {
        try await db.transaction { db in
            if let caller = contact?.userID ?? call.from ?? contact?.waID {
                try await db.lockUntilCommit("conversation:\(integration.id ?? 0):\(caller)")
            }
            _ = try await claim("\(call.id):\(call.event ?? "event")", kind: "call", integration: integration, on: db)
            guard call.event == nil || call.event == "connect" else { return }
            // A call the business placed (from another app on the number) is not the end user trying to reach us.
            guard call.direction?.uppercased() != "BUSINESS_INITIATED" else { return }
            let inbound = inside(db)
            let (user, newest) = try await EndUserResolver(db: db, now: now).resolve(
                bsuid: contact?.userID, phone: call.from ?? contact?.waID, username: contact?.profile?.username,
                name: contact?.profile?.name, newestTicketOn: try integration.requireID())
            try await inbound.recordCallAttempt(call, from: user, newest: newest, integration: integration)
        }
    }

    private func recordCallAttempt(
        _ call: CallEvent, from user: UserModel, newest: EndUserResolver.NewestTicket, integration: WhatsAppIntegrationModel
    ) async throws {
        let integrationID = try integration.requireID()
        var note = NewComment(
            body: "📞 \(user.name) tried to call on WhatsApp. Calls are not supported on this channel, so nobody was rung; reply in writing.",
            isPublic: false)
        note.metadata = ["system": [:], "custom": [:], "whatsapp": ["call_id": .string(call.id), "type": "call"]]
        let event = AuditEvent(type: .channelEvent, data: [
            "event": "call_attempt", "call_id": .string(call.id), "answered": false,
            "at": .string((call.at ?? now).iso8601),
        ])
        let service = tickets
        let latest = try await latestTicket(newest, of: try user.requireID(), on: integrationID)
        if let latest, latest.status != TicketStatus.closed.rawValue {
            var update = TicketUpdate()
            update.comment = note
            _ = try await service.update(latest, update, by: user.actor, via: .whatsapp, extraEvents: [event])
        } else {
            var create = TicketUpdate()
            create.subject = "WhatsApp call attempt from \(user.name)"
            create.requesterID = user.id
            create.comment = note
            _ = try await service.create(create, by: user.actor, via: .whatsapp, extraEvents: [event]) { ticket in
                ticket.whatsappIntegrationID = integrationID
            }
        }
    }

    // MARK: - Records


    /// Keeps a message Parley does not turn into a comment, as WhatsApp sent it (cards masked).
    private func record(field: String, message: some Encodable, integration: WhatsAppIntegrationModel) async throws {
        try await record(field: field, JSONValue.parse(JSONEncoder().encode(message)), integration: integration)
    }

    private func record(field: String, _ raw: JSONValue, integration: WhatsAppIntegrationModel) async throws {
        let payload = integration.maskCreditCardNumbers ? CardRedactor.redact(raw).0 : raw
        let record = WebhookRecordModel()
        record.integrationID = integration.id
        record.field = field
        record.payload = payload.encodedString()
        record.receivedAt = now
        try await record.createDirectly(on: db)
    }
}

extension CommentModel {
    /// The comment's metadata as an object (empty when none).
    var metadataJSON: [String: JSONValue] {
        metadata.flatMap { try? JSONValue.parse(Data($0.utf8)).objectValue } ?? ["system": [:], "custom": [:]]
    }
}
