import ParleyJSON
import Testing
import WhatsAppCloud

@Suite("Outbound messages and error codes")
struct OutboundMessageTests {
    @Test func textAddressesPhoneOrBSUID() {
        let byPhone = OutboundMessage.text(to: .phone("4915112345678"), body: "Hi", replyTo: "wamid.1")
        #expect(byPhone.body["to"] == "4915112345678")
        #expect(byPhone.body["recipient"] == nil)
        #expect(byPhone.body["text"]?["body"] == "Hi")
        #expect(byPhone.body["context"]?["message_id"] == "wamid.1")
        #expect(byPhone.body["messaging_product"] == "whatsapp")
        #expect(byPhone.isFreeForm)
        let byID = OutboundMessage.text(to: .bsuid("US.1"), body: "Hi")
        #expect(byID.body["recipient"] == "US.1")
        #expect(byID.body["to"] == nil)
    }

    @Test func mediaCaptionsOnlyWhereAllowed() {
        #expect(OutboundMessage.media(to: .phone("1"), kind: "image", mediaID: "m", caption: "c").body["image"]?["caption"] == "c")
        #expect(OutboundMessage.media(to: .phone("1"), kind: "audio", mediaID: "m", caption: "c").body["audio"]?["caption"] == nil)
        let document = OutboundMessage.media(to: .phone("1"), kind: "document", mediaID: "m", filename: "a.pdf")
        #expect(document.body["document"]?["filename"] == "a.pdf")
    }

    @Test func templatesAreNotFreeForm() {
        let template = OutboundMessage.template(to: .phone("1"), name: "ticket_update", languageCode: "en_US",
                                                components: [["type": "body", "parameters": [["type": "text", "text": "Jane"]]]])
        #expect(!template.isFreeForm)
        #expect(template.body["template"]?["language"]?["code"] == "en_US")
    }

    @Test func errorCodeClasses() {
        #expect(WhatsAppErrorCode.isWindowClosed(131047))
        #expect(WhatsAppErrorCode.isWindowClosed(470))
        #expect(!WhatsAppErrorCode.isWindowClosed(131026))
        #expect(WhatsAppErrorCode.isTransient(130429))
        #expect(WhatsAppErrorCode.isTransient(131056))
        #expect(!WhatsAppErrorCode.isTransient(131026))
        #expect(WhatsAppErrorCode.makesIntegrationUnhealthy(190))
        #expect(WhatsAppErrorCode.makesIntegrationUnhealthy(200))
        #expect(!WhatsAppErrorCode.makesIntegrationUnhealthy(100))
        #expect(GraphAPIError.api(status: 503, code: 1, message: "x", details: nil).isTransient)
        #expect(GraphAPIError.transport("timeout").isTransient)
        #expect(GraphAPIError.api(status: 429, code: 429, message: "Too Many Requests", details: nil).isTransient,
                "a bare 429 without a Graph error body still means slow down")
        #expect(!GraphAPIError.api(status: 400, code: 131026, message: "Undeliverable", details: nil).isTransient)
        #expect(!GraphAPIError.api(status: 400, code: 100, message: "x", details: nil).isTransient)
    }
}
