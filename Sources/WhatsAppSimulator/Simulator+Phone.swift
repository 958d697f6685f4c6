import Crypto
import Foundation
import ParleyJSON
import WhatsAppCloud

extension Simulator {
    /// What a simulated user sent: the message id, its send time and the webhook delivery carrying it.
    public struct Sent: Sendable {
        public var messageID: String
        public var sentAt: Date
        public var ticket: Int
        public var webhook: JSONValue
    }

    /// A simulated user sends a message. `request` says what, in the control API's words:
    /// `{"type": "text", "text": "hi"}`, `{"type": "image", "data_base64": "...", "caption": "..."}`,
    /// `{"type": "reaction", "reacts_to": "wamid..", "emoji": "👍"}`, `{"type": "edit", "edits": "wamid..", "text": ".."}`,
    /// plus `reply_to`, `forwarded`, `frequently_forwarded`, `timestamp` (Unix seconds) and `phone_number_id`.
    public func userSends(_ bsuid: String, _ request: JSONValue) async throws -> Sent {
        guard var user = users[bsuid] else { throw GraphFailure.invalidParameter("no simulated user \(bsuid)") }
        let phoneNumberID = request["phone_number_id"]?.stringValue ?? configuration.phoneNumbers[0].id
        guard let number = number(phoneNumberID) else { throw GraphFailure.unknownObject(phoneNumberID) }
        let type = request["type"]?.stringValue ?? "text"
        let sentAt = request["timestamp"]?.doubleLike.map(Date.init(timeIntervalSince1970:)) ?? clock.now
        let id = WebhookFactory.messageID()

        var message: [String: JSONValue] = [
            "id": .string(id), "timestamp": .string(String(Int(sentAt.timeIntervalSince1970))), "from_user_id": .string(user.bsuid),
        ]
        if let phone = user.phone { message["from"] = .string(phone) }
        if let group = request["group_id"]?.stringValue { message["group_id"] = .string(group) }
        let wireType = try content(for: type, request: request, user: &user, into: &message)
        message["type"] = .string(wireType)

        var context: [String: JSONValue] = [:]
        // Button and list replies always answer a business message; default to the newest one this user got.
        let answersBusiness = wireType == "interactive" || wireType == "button"
        if let quoted = request["reply_to"]?.stringValue ?? (answersBusiness ? latestReceived(by: user.bsuid, from: phoneNumberID) : nil) {
            let quotedFromBusiness = received[quoted] != nil
            context["id"] = .string(quoted)
            context["from"] = .string(quotedFromBusiness ? number.displayNumber : (user.phone ?? user.bsuid))
        }
        if request["forwarded"]?.boolValue == true { context["forwarded"] = true }
        if request["frequently_forwarded"]?.boolValue == true { context["frequently_forwarded"] = true }
        if answersBusiness && context["id"] == nil {
            context["id"] = .string(WebhookFactory.messageID())
            context["from"] = .string(number.displayNumber)
        }
        if !context.isEmpty { message["context"] = .object(context) }
        // Every message carries `from`; a user who hides their number is named by their BSUID there.
        if wireType == "system" && message["from"] == nil { message["from"] = .string(user.bsuid) }

        // Every message but a system notice opens (or restarts) the window, from its send time.
        if wireType != "system" {
            let previous = user.lastMessageAt[phoneNumberID] ?? .distantPast
            user.lastMessageAt[phoneNumberID] = max(previous, sentAt)
        }
        users[user.bsuid] = user
        userMessages[id] = user.bsuid
        let webhook = WebhookFactory.message(number, from: user, message: .object(message))
        if type == "system_user_changed_user_id", let newID = message["system"]?["user_id"]?.stringValue {
            rename(user.bsuid, to: newID)
        }
        if type == "system_user_changed_number", let newPhone = message["system"]?["wa_id"]?.stringValue {
            users[user.bsuid]?.phone = newPhone
        }
        let ticket = await enqueue(webhook)
        return Sent(messageID: id, sentAt: sentAt, ticket: ticket, webhook: webhook)
    }

    /// The user presses the call button: a `calls` webhook, which the business must never answer.
    public func userCalls(_ bsuid: String, phoneNumberID: String? = nil) async throws -> Sent {
        guard let user = users[bsuid] else { throw GraphFailure.invalidParameter("no simulated user \(bsuid)") }
        guard let number = number(phoneNumberID ?? configuration.phoneNumbers[0].id) else {
            throw GraphFailure.unknownObject(phoneNumberID ?? "")
        }
        let id = "wacid." + WebhookFactory.messageID().dropFirst(6)
        let webhook = WebhookFactory.call(number, from: user, callID: id, at: clock.now)
        let ticket = await enqueue(webhook)
        return Sent(messageID: id, sentAt: clock.now, ticket: ticket, webhook: webhook)
    }

    private func rename(_ old: String, to new: String) {
        guard var user = users.removeValue(forKey: old) else { return }
        user.bsuid = new
        users[new] = user
        if let index = userOrder.firstIndex(of: old) { userOrder[index] = new }
        for (id, sender) in userMessages where sender == old { userMessages[id] = new }
        for (id, message) in received where message.bsuid == old { received[id]?.bsuid = new }
    }

    private func latestReceived(by bsuid: String, from phoneNumberID: String) -> String? {
        receivedOrder.last { received[$0]?.bsuid == bsuid && received[$0]?.phoneNumberID == phoneNumberID }
    }

    /// Fills the type's object of an inbound message; returns the wire `type`.
    private func content(for type: String, request: JSONValue, user: inout SimulatedUser, into message: inout [String: JSONValue])
        throws -> String
    {
        let text = request["text"]?.stringValue
        switch type {
        case "text":
            guard let text, !text.isEmpty else { throw GraphFailure.invalidParameter("text is required") }
            message["text"] = ["body": .string(text)]
            return "text"
        case "image", "video", "audio", "voice", "sticker", "document":
            let sample = SampleMedia.bytes(for: type)
            let data = request["data_base64"]?.stringValue.flatMap { Data(base64Encoded: $0) } ?? sample.0
            let mime = request["mime_type"]?.stringValue ?? sample.1
            let fileName = request["filename"]?.stringValue ?? sample.2
            let mediaID = store(data, mimeType: mime, fileName: fileName)
            var object: [String: JSONValue] = [
                "id": .string(mediaID), "mime_type": .string(mime),
                "sha256": .string(Data(SHA256.hash(data: data)).base64EncodedString()),
            ]
            let wire = type == "voice" ? "audio" : type
            if let caption = request["caption"]?.stringValue, wire != "audio", wire != "sticker" {
                object["caption"] = .string(caption)
            }
            if wire == "document" { object["filename"] = .string(fileName ?? "document") }
            if type == "voice" { object["voice"] = true }
            if wire == "sticker" { object["animated"] = .bool(request["animated"]?.boolValue ?? false) }
            if request["with_url"]?.boolValue == true { object["url"] = .string("\(configuration.publicBaseURL)/_media/\(mediaID)") }
            message[wire] = .object(object)
            return wire
        case "location":
            var object: [String: JSONValue] = [
                "latitude": .double(request["latitude"]?.doubleLike ?? 52.520008),
                "longitude": .double(request["longitude"]?.doubleLike ?? 13.404954),
            ]
            for key in ["name", "address", "url"] { if let value = request[key] { object[key] = value } }
            message["location"] = .object(object)
            return "location"
        case "contacts":
            if let raw = request["contacts"]?.arrayValue {
                message["contacts"] = .array(raw)
            } else {
                let name = request["name"]?.stringValue ?? "Alex Example"
                var card: [String: JSONValue] = ["name": ["formatted_name": .string(name), "first_name": .string(name)]]
                if let phone = request["phone"]?.stringValue {
                    card["phones"] = [["phone": .string(phone), "type": "CELL"]]
                }
                if let email = request["email"]?.stringValue { card["emails"] = [["email": .string(email), "type": "WORK"]] }
                message["contacts"] = [.object(card)]
            }
            return "contacts"
        case "interactive":
            let kind = request["interactive_type"]?.stringValue ?? "button_reply"
            var reply: [String: JSONValue] = [
                "id": .string(request["reply_id"]?.stringValue ?? "btn_1"), "title": .string(request["title"]?.stringValue ?? "Yes"),
            ]
            if kind == "list_reply", let description = request["description"] { reply["description"] = description }
            message["interactive"] = .object(["type": .string(kind), kind: .object(reply)])
            return "interactive"
        case "button":
            message["button"] = ["text": .string(text ?? "Stop"), "payload": .string(request["payload"]?.stringValue ?? "STOP")]
            return "button"
        case "reaction":
            guard let target = request["reacts_to"]?.stringValue else { throw GraphFailure.invalidParameter("reacts_to is required") }
            var reaction: [String: JSONValue] = ["message_id": .string(target)]
            if let emoji = request["emoji"]?.stringValue, !emoji.isEmpty { reaction["emoji"] = .string(emoji) }
            message["reaction"] = .object(reaction)
            return "reaction"
        case "edit":
            guard let original = request["edits"]?.stringValue, let text else {
                throw GraphFailure.invalidParameter("edits and text are required")
            }
            message["edit"] = ["original_message_id": .string(original), "message": ["type": "text", "text": ["body": .string(text)]]]
            return "edit"
        case "revoke":
            guard let original = request["revokes"]?.stringValue else { throw GraphFailure.invalidParameter("revokes is required") }
            message["revoke"] = ["original_message_id": .string(original)]
            return "revoke"
        case "unsupported":
            message["unsupported"] = ["type": .string(request["unsupported_type"]?.stringValue ?? "poll_creation")]
            message["errors"] = [[
                "code": 131051, "title": "Message type unknown", "message": "Message type unknown",
                "error_data": ["details": "Message type is currently not supported."],
            ]]
            return "unsupported"
        case "system_user_changed_user_id":
            let newID = request["new_user_id"]?.stringValue
                ?? String(format: "US.%019llu", UInt64.random(in: 1_000_000_000_000_000...9_999_999_999_999_999_999))
            message["system"] = [
                "body": .string("\(user.name) changed their business-scoped user id"), "type": "user_changed_user_id",
                "user_id": .string(newID), "previous_user_id": .string(user.bsuid),
            ]
            return "system"
        case "system_user_changed_number":
            guard let newPhone = request["new_phone"]?.stringValue.map(Simulator.digits) else {
                throw GraphFailure.invalidParameter("new_phone is required")
            }
            let systemType = request["system_type"]?.stringValue ?? "user_changed_number"
            message["system"] = [
                "body": .string("\(user.name) changed from \(user.phone ?? "a hidden number") to \(newPhone)"),
                "wa_id": .string(newPhone), "type": .string(systemType),
            ]
            return "system"
        default:
            throw GraphFailure.invalidParameter("unknown message type \(type)")
        }
    }
}
