import Crypto
import Foundation

/// `X-Hub-Signature-256: sha256=<hex>`: HMAC-SHA256 of the raw body with the app secret. Always over the exact
/// bytes received — re-serialising JSON changes them (Meta escapes non-ASCII as `\uXXXX`).
public enum SignatureVerifier {
    public static let headerName = "X-Hub-Signature-256"

    public static func signature(for body: Data, secret: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Data(secret.utf8)))
        return "sha256=" + mac.hexDigits
    }

    /// Constant-time check, so the time taken does not reveal how much of a forged signature was right.
    public static func isValid(body: Data, header: String?, secret: String) -> Bool {
        guard let header, header.hasPrefix("sha256=") else { return false }
        let expected = Array(signature(for: body, secret: secret).utf8)
        let given = Array(header.lowercased().utf8)
        guard expected.count == given.count else { return false }
        var difference: UInt8 = 0
        for index in expected.indices { difference |= expected[index] ^ given[index] }
        return difference == 0
    }
}
