import ParleyJSON
import WhatsAppCloud

/// Templates every simulated business account starts with: two approved, one pending, one rejected.
enum DefaultTemplates {
    static func make(wabaID: String) -> [MessageTemplate] {
        [
            MessageTemplate(
                id: wabaID + "01", name: "ticket_update", language: "en_US", category: "UTILITY", status: "APPROVED",
                components: [
                    ["type": "HEADER", "format": "TEXT", "text": "Ticket update"],
                    ["type": "BODY", "text": "Hi {{1}}, ticket {{2}} was updated.",
                     "example": ["body_text": [["Jane", "#1234"]]]],
                    ["type": "FOOTER", "text": "Reply STOP to opt out"],
                    ["type": "BUTTONS", "buttons": [["type": "QUICK_REPLY", "text": "Reopen"]]],
                ]),
            MessageTemplate(
                id: wabaID + "02", name: "hello_world", language: "en_US", category: "UTILITY", status: "APPROVED",
                components: [["type": "BODY", "text": "Hello! We are here to help. Reply to this message to continue."]]),
            MessageTemplate(
                id: wabaID + "03", name: "order_followup", language: "en_US", category: "MARKETING", status: "PENDING",
                components: [["type": "BODY", "text": "Your order {{1}} has shipped."]]),
            MessageTemplate(
                id: wabaID + "04", name: "old_promo", language: "en_US", category: "MARKETING", status: "REJECTED",
                components: [["type": "BODY", "text": "Big sale!"]]),
        ]
    }
}
