import Crypto
import Foundation
import WhatsAppCloud

/// API token text and its stored form.
enum APIToken {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")

    static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<40).map { _ in alphabet.randomElement(using: &generator)! })
    }

    /// Tokens are long and random, so a plain SHA-256 is enough to keep them unusable if the database leaks.
    static func hash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).hexDigits
    }

    /// What admins see to tell tokens apart.
    static func hint(_ token: String) -> String { String(token.suffix(4)) }
}
