import Foundation
import Testing
import WhatsAppCloud

@Suite("Webhook signature")
struct SignatureVerifierTests {
    let body = Data(#"{"object":"whatsapp_business_account","entry":[]}"#.utf8)

    @Test func knownVector() {
        // HMAC-SHA256("key", "The quick brown fox jumps over the lazy dog"), a published test vector.
        let signature = SignatureVerifier.signature(for: Data("The quick brown fox jumps over the lazy dog".utf8), secret: "key")
        #expect(signature == "sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8")
    }

    @Test func acceptsOnlyTheRightSignatureOverTheExactBytes() {
        let good = SignatureVerifier.signature(for: body, secret: "s3cret")
        #expect(SignatureVerifier.isValid(body: body, header: good, secret: "s3cret"))
        #expect(SignatureVerifier.isValid(body: body, header: good.uppercased().replacingOccurrences(of: "SHA256=", with: "sha256="), secret: "s3cret"))
        #expect(!SignatureVerifier.isValid(body: body, header: good, secret: "other"))
        #expect(!SignatureVerifier.isValid(body: body, header: nil, secret: "s3cret"))
        #expect(!SignatureVerifier.isValid(body: body, header: "", secret: "s3cret"))
        #expect(!SignatureVerifier.isValid(body: body, header: String(good.dropFirst(7)), secret: "s3cret"), "the sha256= prefix is required")
        #expect(!SignatureVerifier.isValid(body: body, header: good + "00", secret: "s3cret"))
        var tampered = body
        tampered[tampered.count - 2] = UInt8(ascii: " ")
        #expect(!SignatureVerifier.isValid(body: tampered, header: good, secret: "s3cret"))
    }

    @Test func reserialisedJSONDoesNotMatch() throws {
        // Meta escapes non-ASCII; a decoded-and-re-encoded body has other bytes and another signature.
        let raw = Data(#"{"text":"Gr\u00fc\u00dfe"}"#.utf8)
        let signature = SignatureVerifier.signature(for: raw, secret: "k")
        let object = try JSONSerialization.jsonObject(with: raw)
        let reencoded = try JSONSerialization.data(withJSONObject: object)
        #expect(!SignatureVerifier.isValid(body: reencoded, header: signature, secret: "k"))
        #expect(SignatureVerifier.isValid(body: raw, header: signature, secret: "k"))
    }
}
