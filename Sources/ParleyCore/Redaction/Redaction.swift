import Foundation

/// The outcome of masking a text. The count travels with the text so that callers can record that
/// something was redacted (audit event, metrics) without keeping the original anywhere.
public struct Redaction: Sendable, Equatable {
    public let text: String
    /// How many numbers were masked; 0 means `text` is the input unchanged.
    public let count: Int

    public init(text: String, count: Int) {
        self.text = text
        self.count = count
    }
}
