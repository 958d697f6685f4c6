import Foundation
import ParleyJSON

/// Builds webhook bodies in Meta's envelope, the way Meta fills them in since BSUIDs (2026-03-31):
/// `contacts[].user_id` always, `wa_id`/`from` only when the user shares their phone number.
public enum WebhookFactory {
    public static func envelope(_ number: SimulatorConfiguration.PhoneNumber, field: String, value: [String: JSONValue]) -> JSONValue {
        var value = value
        value["messaging_product"] = "whatsapp"
        value["metadata"] = ["display_phone_number": .string(number.displayNumber), "phone_number_id": .string(number.id)]
        return [
            "object": "whatsapp_business_account",
            "entry": [["id": .string(number.wabaID), "changes": [["field": .string(field), "value": .object(value)]]]],
        ]
    }

    public static func contact(_ user: SimulatedUser) -> JSONValue {
        var profile: [String: JSONValue] = ["name": .string(user.name)]
        if let username = user.username { profile["username"] = .string(username) }
        var contact: [String: JSONValue] = ["profile": .object(profile), "user_id": .string(user.bsuid)]
        if let phone = user.phone { contact["wa_id"] = .string(phone) }
        return .object(contact)
    }

    public static func message(_ number: SimulatorConfiguration.PhoneNumber, from user: SimulatedUser, message: JSONValue) -> JSONValue {
        // System notices come without a contacts array, as in Meta's reference.
        if message["type"] == "system" { return envelope(number, field: "messages", value: ["messages": [message]]) }
        return envelope(number, field: "messages", value: ["contacts": [contact(user)], "messages": [message]])
    }

    static func status(
        _ number: SimulatorConfiguration.PhoneNumber, message: ReceivedMessage, user: SimulatedUser?, sentToPhone: String?,
        status: String, at: Date, error: (code: Int, title: String, details: String)? = nil, failedWithContacts: Bool = true
    ) -> JSONValue {
        var item: [String: JSONValue] = [
            "id": .string(message.id), "status": .string(status), "timestamp": .string(String(Int(at.timeIntervalSince1970))),
        ]
        if let sentToPhone { item["recipient_id"] = .string(sentToPhone) }
        if sentToPhone == nil || error == nil { item["recipient_user_id"] = .string(message.bsuid) }
        // Meta echoes the send's opaque data on each of its statuses (reference §4).
        if let callbackData = message.body["biz_opaque_callback_data"]?.stringValue {
            item["biz_opaque_callback_data"] = .string(callbackData)
        }
        var value: [String: JSONValue] = [:]
        if let error {
            item["errors"] = [[
                "code": .int(error.code), "title": .string(error.title), "message": .string(error.title),
                "error_data": ["details": .string(error.details)],
                "href": "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/",
            ]]
        } else {
            item["conversation"] = [
                "id": .string("conv-" + message.bsuid.replacingOccurrences(of: ".", with: "")),
                "origin": ["type": .string(message.type == "template" ? "utility" : "service")],
            ]
            item["pricing"] = [
                "billable": .bool(message.type == "template"), "pricing_model": "PMP",
                "category": .string(message.type == "template" ? "utility" : "service"),
            ]
        }
        // Status contacts are bare ids (no profile). The reference says failed statuses have none; pywa 4.5 needs
        // them, so by default they are kept (`failedWithContacts`).
        var statusContact: [String: JSONValue] = [:]
        if let phone = sentToPhone ?? user?.phone { statusContact["wa_id"] = .string(phone) }
        if let user, !(error != nil && sentToPhone != nil) { statusContact["user_id"] = .string(user.bsuid) }
        if !statusContact.isEmpty, error == nil || failedWithContacts { value["contacts"] = [.object(statusContact)] }
        value["statuses"] = [.object(item)]
        return envelope(number, field: "messages", value: value)
    }

    static func call(_ number: SimulatorConfiguration.PhoneNumber, from user: SimulatedUser, callID: String, at: Date) -> JSONValue {
        var call: [String: JSONValue] = [
            "id": .string(callID), "to": .string(number.displayNumber), "event": "connect",
            "timestamp": .string(String(Int(at.timeIntervalSince1970))), "direction": "USER_INITIATED",
            "session": ["sdp_type": "offer", "sdp": "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=-\r\n"],
        ]
        call["from"] = .string(user.phone ?? user.bsuid)
        return envelope(number, field: "calls", value: ["contacts": [contact(user)], "calls": [.object(call)]])
    }

    /// Several webhook bodies as one: items of the same number and field share a change (several messages in
    /// one webhook); with `separateEntries` each keeps its own entry (several entries in one body).
    public static func merge(_ bodies: [JSONValue], separateEntries: Bool) -> JSONValue {
        var entries: [JSONValue] = []
        for body in bodies {
            for entry in body["entry"]?.arrayValue ?? [] {
                if separateEntries { entries.append(entry); continue }
                guard let change = entry["changes"]?[0], let field = change["field"], let value = change["value"],
                    let index = entries.firstIndex(where: {
                        $0["id"] == entry["id"] && $0["changes"]?[0]?["field"] == field
                            && $0["changes"]?[0]?["value"]?["metadata"] == value["metadata"]
                    }),
                    case .object(var merged) = entries[index]["changes"]?[0]?["value"] ?? .null
                else {
                    entries.append(entry)
                    continue
                }
                for key in ["contacts", "messages", "statuses", "calls"] {
                    let added = value[key]?.arrayValue ?? []
                    guard !added.isEmpty else { continue }
                    var list = merged[key]?.arrayValue ?? []
                    for item in added where !(key == "contacts" && list.contains(item)) { list.append(item) }
                    merged[key] = .array(list)
                }
                entries[index] = ["id": entry["id"] ?? .null, "changes": [["field": field, "value": .object(merged)]]]
            }
        }
        return ["object": "whatsapp_business_account", "entry": .array(entries)]
    }

    /// A text message from `user`, sent at `sentAt`: the body a load generator posts (see `parley bench`).
    public static func textMessage(
        _ number: SimulatorConfiguration.PhoneNumber, from user: SimulatedUser, text: String, sentAt: Date,
        id: String = messageID()
    ) -> JSONValue {
        var message: [String: JSONValue] = [
            "id": .string(id), "timestamp": .string(String(Int(sentAt.timeIntervalSince1970))),
            "from_user_id": .string(user.bsuid), "type": "text", "text": ["body": .string(text)],
        ]
        if let phone = user.phone { message["from"] = .string(phone) }
        return self.message(number, from: user, message: .object(message))
    }

    public static func messageID() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<24).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return "wamid." + Data(bytes).base64EncodedString()
    }
}
