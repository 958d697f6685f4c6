import Foundation
import ParleyJSON

/// Reads a webhook body into events. Every `entry`, `change`, `message` and `status` is handled (not only the
/// first), and an element that cannot be read becomes `.unreadable` instead of failing the whole body.
public enum WebhookParser {
    public enum Failure: Error, Equatable, Sendable {
        case notJSON
        case notAnEnvelope(String)
    }

    public static func parse(_ body: Data) throws(Failure) -> [WebhookEvent] {
        guard let document = try? JSONValue.parse(body) else { throw .notJSON }
        return try parse(document)
    }

    public static func parse(_ document: JSONValue) throws(Failure) -> [WebhookEvent] {
        guard let entries = document["entry"]?.arrayValue else {
            throw .notAnEnvelope("the body has no entry array")
        }
        var events: [WebhookEvent] = []
        for entry in entries {
            let wabaID = entry["id"]?.stringValue ?? ""
            for change in entry["changes"]?.arrayValue ?? [] {
                let field = change["field"]?.stringValue ?? ""
                let value = change["value"] ?? .null
                let metadata = value["metadata"]
                let routing = WebhookEvent.Routing(
                    wabaID: wabaID, phoneNumberID: metadata?["phone_number_id"]?.stringValue,
                    displayPhoneNumber: metadata?["display_phone_number"]?.stringValue)
                events += read(field: field, value: value, routing: routing)
            }
        }
        return events
    }

    /// The phone number ids a body is addressed to (a body may, rarely, mix several).
    public static func phoneNumberIDs(in document: JSONValue) -> Set<String> {
        var ids = Set<String>()
        for entry in document["entry"]?.arrayValue ?? [] {
            for change in entry["changes"]?.arrayValue ?? [] {
                if let id = change["value"]?["metadata"]?["phone_number_id"]?.stringValue { ids.insert(id) }
            }
        }
        return ids
    }

    private static func read(field: String, value: JSONValue, routing: WebhookEvent.Routing) -> [WebhookEvent] {
        guard field == "messages" || field == "calls" else { return [.other(routing, field: field, raw: value)] }
        let contacts = (value["contacts"]?.arrayValue ?? []).compactMap { decode(Contact.self, $0) }
        var events: [WebhookEvent] = []
        for raw in value["messages"]?.arrayValue ?? [] {
            guard let message = decode(InboundMessage.self, raw) else {
                events.append(.unreadable(routing, field: field, raw: raw))
                continue
            }
            events.append(.message(routing, contact: contact(for: message.from, userID: message.fromUserID, in: contacts),
                                   message: message))
        }
        for raw in value["statuses"]?.arrayValue ?? [] {
            guard let status = decode(StatusUpdate.self, raw) else {
                events.append(.unreadable(routing, field: field, raw: raw))
                continue
            }
            events.append(status.isCallStatus ? .other(routing, field: "call_status", raw: raw) : .status(routing, status))
        }
        for raw in value["calls"]?.arrayValue ?? [] {
            guard let call = decode(CallEvent.self, raw) else {
                events.append(.unreadable(routing, field: field, raw: raw))
                continue
            }
            events.append(.call(routing, contact: contact(for: call.from, userID: nil, in: contacts), call: call))
        }
        for raw in value["errors"]?.arrayValue ?? [] {
            if let error = decode(ErrorDetail.self, raw) { events.append(.error(routing, error)) }
        }
        if events.isEmpty { events.append(.other(routing, field: field, raw: value)) }
        return events
    }

    /// The contact a message is from: matched by BSUID or phone, else the only contact of the change.
    private static func contact(for from: String?, userID: String?, in contacts: [Contact]) -> Contact? {
        if let userID, let match = contacts.first(where: { $0.userID == userID }) { return match }
        if let from, let match = contacts.first(where: { $0.waID == from }) { return match }
        return contacts.count == 1 ? contacts[0] : nil
    }

    private static func decode<T: Decodable>(_ type: T.Type, _ value: JSONValue) -> T? {
        try? JSONDecoder().decode(T.self, from: value.encoded())
    }
}
