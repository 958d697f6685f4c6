import Fluent
import Foundation

/// Every field of every model, as Fluent's Codable writes them: two reads agree only if each field does.
func encodedFields<M: Model>(_ models: [M]) throws -> [String] {
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    return try models.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
}
