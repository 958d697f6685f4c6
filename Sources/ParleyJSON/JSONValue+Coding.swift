import Foundation

extension JSONValue {
    /// Parses a JSON document; throws `JSONParseError` with a short reason on malformed input.
    public static func parse(_ data: Data) throws -> JSONValue {
        do {
            return try data.withUnsafeBytes { raw throws(JSONParser.Failure) in
                try JSONParser.parse(raw.bindMemory(to: UInt8.self))
            }
        } catch {
            throw JSONParseError(reason: "The request body is not valid JSON")
        }
    }

    /// Stable bytes (sorted keys) so stored JSON and API output are reproducible.
    public func encoded() -> Data { Data(encodedBytes()) }

    public func encodedBytes() -> [UInt8] {
        var bytes: [UInt8] = []
        write(into: &bytes)
        return bytes
    }

    public func encodedString() -> String { String(decoding: encodedBytes(), as: UTF8.self) }
}

public struct JSONParseError: Error, Sendable, Equatable {
    public let reason: String
}
