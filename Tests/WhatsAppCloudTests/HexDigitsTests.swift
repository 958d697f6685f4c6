import Crypto
import Foundation
import Testing
import WhatsAppCloud

@Suite("Hex digits")
struct HexDigitsTests {
    @Test("two lowercase digits a byte, leading zeros kept, as Foundation's %02x writes them")
    func everyByte() {
        let bytes = (0...255).map(UInt8.init)
        #expect(bytes.hexDigits == bytes.map { String(format: "%02x", $0) }.joined())
        #expect([UInt8]().hexDigits == "")
        #expect([0x00, 0x0f, 0xf0].hexDigits == "000ff0")
    }

    @Test("a SHA-256 digest reads as the well-known value")
    func digest() {
        #expect(SHA256.hash(data: Data("abc".utf8)).hexDigits == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}
