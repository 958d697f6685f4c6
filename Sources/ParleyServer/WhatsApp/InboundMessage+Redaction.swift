import ParleyCore
import WhatsAppCloud

extension InboundMessage {
    /// The message with card numbers masked in everything a person typed or named: text, captions, file names,
    /// location and contact fields, interactive and button titles, edited content. Ids, phone ids and
    /// timestamps are left alone (they are not card numbers, and masking them would break threading).
    func redactingCards() -> (InboundMessage, Int) {
        var message = self
        var count = 0
        func mask(_ text: inout String?) {
            guard let value = text else { return }
            let result = CardRedactor.redact(value)
            count += result.count
            text = result.text
        }
        func maskMedia(_ media: inout Media?) {
            guard media != nil else { return }
            mask(&media!.caption)
            mask(&media!.filename)
        }
        if let body = message.text?.body {
            let result = CardRedactor.redact(body)
            count += result.count
            message.text?.body = result.text
        }
        maskMedia(&message.image)
        maskMedia(&message.video)
        maskMedia(&message.audio)
        maskMedia(&message.sticker)
        maskMedia(&message.document)
        if message.location != nil {
            mask(&message.location!.name)
            mask(&message.location!.address)
            mask(&message.location!.url)
        }
        if message.button != nil {
            mask(&message.button!.text)
            mask(&message.button!.payload)
        }
        if let contacts = message.contacts {
            message.contacts = contacts.map { contact in
                let (masked, found) = InboundMessage.maskUserText(contact, keep: ["wa_id", "type"])
                count += found
                return masked
            }
        }
        if let interactive = message.interactive {
            let (masked, found) = InboundMessage.maskUserText(interactive, keep: ["id", "type"])
            message.interactive = masked
            count += found
        }
        if let order = message.order {
            let (masked, found) = InboundMessage.maskUserText(order, keep: ["catalog_id", "product_retailer_id", "currency"])
            message.order = masked
            count += found
        }
        if let system = message.system, let body = system["body"]?.stringValue {
            let result = CardRedactor.redact(body)
            if result.count > 0, case .object(var object) = system {
                object["body"] = .string(result.text)
                message.system = .object(object)
                count += result.count
            }
        }
        if let edit = message.edit, let content = edit.message {
            let (masked, found) = InboundMessage.maskUserText(content, keep: ["id", "type", "mime_type", "sha256", "url"])
            message.edit?.message = masked
            count += found
        }
        return (message, count)
    }

    /// Masks every string and number in a JSON part except under the named keys.
    static func maskUserText(_ value: JSONValue, keep: Set<String>) -> (JSONValue, Int) {
        switch value {
        case .object(let object):
            var count = 0
            var result: [String: JSONValue] = [:]
            for (key, item) in object {
                if keep.contains(key) {
                    result[key] = item
                } else {
                    let (masked, found) = maskUserText(item, keep: keep)
                    result[key] = masked
                    count += found
                }
            }
            return (.object(result), count)
        case .array(let items):
            var count = 0
            let masked = items.map { item -> JSONValue in
                let (masked, found) = maskUserText(item, keep: keep)
                count += found
                return masked
            }
            return (.array(masked), count)
        default:
            return CardRedactor.redact(value)
        }
    }
}

extension Contact {
    /// A profile name is whatever the person typed into WhatsApp, and it becomes the user's name in Parley.
    func redactingCards() -> (Contact, Int) {
        guard let name = profile?.name else { return (self, 0) }
        let result = CardRedactor.redact(name)
        var contact = self
        contact.profile?.name = result.text
        return (contact, result.count)
    }
}
