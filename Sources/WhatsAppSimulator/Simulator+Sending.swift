import Foundation
import ParleyJSON
import WhatsAppCloud

extension Simulator {
    static let freeFormTypes: Set<String> = [
        "text", "image", "audio", "video", "document", "sticker", "location", "contacts", "interactive", "reaction",
    ]
    static let mediaTypes: Set<String> = ["image", "audio", "video", "document", "sticker"]
    static let windowLength: TimeInterval = 24 * 3600
    static let maxCallbackDataBytes = 512

    /// Digits with the usual writing aids (`+49 (151) 123-45 678`), and no letters.
    static func looksLikePhoneNumber(_ text: String) -> Bool {
        !digits(text).isEmpty && text.allSatisfy { $0.isNumber || "+-() .".contains($0) }
    }

    /// `POST /{phone-number-id}/messages`: validates like Meta, answers like Meta, then reports the message's
    /// fate with status webhooks (sent → delivered, or failed with 131047 outside the window, 131026 for a
    /// recipient who is not on WhatsApp).
    public func handleSend(phoneNumberID: String, token: String?, body: JSONValue) async throws -> JSONValue {
        try checkToken(token)
        try takeFault()
        guard let number = number(phoneNumberID) else { throw GraphFailure.unknownObject(phoneNumberID) }
        guard body["messaging_product"]?.stringValue == "whatsapp" else {
            throw GraphFailure.invalidParameter("messaging_product must be \"whatsapp\"")
        }
        if body["status"]?.stringValue == "read" {
            guard let id = body["message_id"]?.stringValue, userMessages[id] != nil else {
                throw GraphFailure.invalidParameter("message_id is not a message this number received")
            }
            return ["success": true]
        }
        try checkThroughput(phoneNumberID)
        guard let type = body["type"]?.stringValue ?? (body["text"] != nil ? "text" : nil) else {
            throw GraphFailure.invalidParameter("type is required")
        }
        guard Simulator.freeFormTypes.contains(type) || type == "template" else {
            throw GraphFailure.invalidParameter("type \(type) is not supported")
        }
        try validateContent(type: type, body: body, wabaID: number.wabaID)
        if let callbackData = body["biz_opaque_callback_data"] {
            guard let text = callbackData.stringValue, text.utf8.count <= Simulator.maxCallbackDataBytes else {
                throw GraphFailure.invalidParameter("biz_opaque_callback_data must be a string of at most \(Simulator.maxCallbackDataBytes) bytes")
            }
        }

        // `to` wins over `recipient` when both are given.
        let to = body["to"]?.stringValue
        let recipient = body["recipient"]?.stringValue
        guard to != nil || recipient != nil else { throw GraphFailure.invalidParameter("to or recipient is required") }
        // A BSUID (`US.1349…`) has digits too, but Meta takes it only in `recipient`.
        if let to, !Simulator.looksLikePhoneNumber(to) {
            throw GraphFailure.invalidParameter("to must be a phone number; a business-scoped user id goes in recipient")
        }
        let target = to.flatMap { user(phone: $0) } ?? (to == nil ? recipient.flatMap { users[$0] } : nil)

        let now = clock.now
        let isFreeForm = type != "template"
        let windowOpen = target?.lastMessageAt[phoneNumberID].map { now < $0.addingTimeInterval(Simulator.windowLength) } ?? false
        let outside = isFreeForm && !windowOpen
        let message = ReceivedMessage(
            id: WebhookFactory.messageID(), phoneNumberID: phoneNumberID, bsuid: target?.bsuid ?? (recipient ?? ""),
            type: type, body: body, status: "accepted", error: nil, at: now, outsideWindow: outside)
        received[message.id] = message
        receivedOrder.append(message.id)
        recordAcceptedSend()
        if outside && target != nil { recordWindowViolation() }

        if target == nil {
            await fail(message.id, code: WhatsAppErrorCode.undeliverable, title: "Message undeliverable",
                       details: "Unable to deliver message. Reasons can include: the recipient phone number is not a WhatsApp phone number.")
        } else if outside {
            await fail(message.id, code: WhatsAppErrorCode.reEngagement, title: "Re-engagement message",
                       details: "Message failed to send because more than 24 hours have passed since the customer last replied to this number.")
        } else {
            await advance(message.id, to: "sent")
            await advance(message.id, to: "delivered")
            if configuration.autoRead { await advance(message.id, to: "read") }
        }

        let input = to ?? recipient ?? ""
        let contact: JSONValue = to != nil
            ? ["input": .string(input), "wa_id": .string(target?.phone ?? Simulator.digits(input))]
            : ["input": .string(input), "user_id": .string(target?.bsuid ?? input)]
        var answer: [String: JSONValue] = ["id": .string(message.id)]
        if type == "template" { answer["message_status"] = "accepted" }
        return ["messaging_product": "whatsapp", "contacts": [contact], "messages": [.object(answer)]]
    }

    private func advance(_ id: String, to status: String) async {
        guard var message = received[id] else { return }
        message.status = status
        received[id] = message
        await emitStatus(for: message, status: status)
    }

    private func fail(_ id: String, code: Int, title: String, details: String) async {
        guard var message = received[id] else { return }
        message.status = "failed"
        message.error = code
        received[id] = message
        await emitStatus(for: message, status: "failed", error: (code, title, details))
    }

    private func validateContent(type: String, body: JSONValue, wabaID: String) throws(GraphFailure) {
        guard let content = body[type]?.objectValue ?? (type == "contacts" ? [:] : nil) else {
            throw GraphFailure.invalidParameter("\(type) object is required for type \(type)")
        }
        switch type {
        case "text":
            guard let text = content["body"]?.stringValue, !text.isEmpty else {
                throw GraphFailure.invalidParameter("text.body is required")
            }
            guard text.count <= 4096 else { throw GraphFailure.invalidParameter("text.body is longer than 4096 characters") }
        case _ where Simulator.mediaTypes.contains(type):
            if let id = content["id"]?.stringValue {
                guard let stored = media[id] else { throw GraphFailure.invalidParameter("\(type).id \(id) is not an uploaded media id") }
                if let kind = MediaKind(rawValue: type), !kind.accepts(stored.mimeType) {
                    throw GraphFailure.invalidParameter(
                        "\(type).id \(id) is \(stored.mimeType); \(type) takes \(kind.mimeTypes.joined(separator: ", "))")
                }
            } else if let link = content["link"]?.stringValue {
                guard link.hasPrefix("http://") || link.hasPrefix("https://") else {
                    throw GraphFailure.invalidParameter("\(type).link must be an http(s) URL")
                }
            } else {
                throw GraphFailure.invalidParameter("\(type) needs an id or a link")
            }
            if (type == "audio" || type == "sticker"), content["caption"] != nil {
                throw GraphFailure.invalidParameter("\(type) does not take a caption")
            }
        case "location":
            guard content["latitude"]?.doubleLike != nil, content["longitude"]?.doubleLike != nil else {
                throw GraphFailure.invalidParameter("location needs latitude and longitude")
            }
        case "contacts":
            guard let list = body["contacts"]?.arrayValue, !list.isEmpty else {
                throw GraphFailure.invalidParameter("contacts must be a non-empty array")
            }
        case "interactive":
            guard content["type"]?.stringValue != nil else { throw GraphFailure.invalidParameter("interactive.type is required") }
        case "reaction":
            guard content["message_id"]?.stringValue != nil else {
                throw GraphFailure.invalidParameter("reaction.message_id is required")
            }
        case "template":
            try validateTemplate(content, wabaID: wabaID)
        default:
            break
        }
    }

    private func validateTemplate(_ content: [String: JSONValue], wabaID: String) throws(GraphFailure) {
        guard let name = content["name"]?.stringValue, let language = content["language"]?["code"]?.stringValue else {
            throw GraphFailure.invalidParameter("template.name and template.language.code are required")
        }
        guard let template = templates[wabaID]?.first(where: { $0.name == name && $0.language == language }),
            template.isApproved
        else { throw GraphFailure.templateMissing(name, language) }
        let bodyText = template.components.first { $0["type"]?.stringValue == "BODY" }?["text"]?.stringValue ?? ""
        let expected = Set(Simulator.placeholders(in: bodyText)).count
        let given = (content["components"]?.arrayValue ?? [])
            .filter { $0["type"]?.stringValue?.lowercased() == "body" }
            .reduce(0) { $0 + ($1["parameters"]?.arrayValue?.count ?? 0) }
        guard expected == given else {
            throw GraphFailure.templateParameters("body expects \(expected) parameters, got \(given)")
        }
    }

    static func placeholders(in text: String) -> [String] {
        var found: [String] = []
        var rest = Substring(text)
        while let open = rest.range(of: "{{"), let close = rest.range(of: "}}", range: open.upperBound..<rest.endIndex) {
            found.append(String(rest[open.upperBound..<close.lowerBound]))
            rest = rest[close.upperBound...]
        }
        return found
    }
}

extension JSONValue {
    var doubleLike: Double? {
        switch self {
        case .int(let value): Double(value)
        case .double(let value): value
        case .string(let value): Double(value)
        default: nil
        }
    }
}
