import Foundation
import ParleyJSON

/// Turns a well-formed webhook body into a malformed one, the way a fuzzer would: values of the wrong type, missing
/// and unknown fields, huge strings, deep nesting, unknown message types, truncated or corrupted bytes. Seeded, so
/// a failing case can be replayed. Parley must answer every such body with 2xx or 4xx and store nothing half-way.
public struct WebhookMutator {
    private var generator: SeededGenerator

    public init(seed: UInt64) { generator = SeededGenerator(seed: seed) }

    /// The bytes of a mutated `body`; one to three mutations, sometimes breaking the JSON itself.
    public mutating func mutate(_ body: JSONValue) -> Data {
        var value = body
        for _ in 0..<Int.random(in: 1...3, using: &generator) { value = mutateTree(value) }
        var bytes = value.encoded()
        if Int.random(in: 0..<8, using: &generator) == 0 { bytes = corrupt(bytes) }
        return bytes
    }

    private mutating func mutateTree(_ root: JSONValue) -> JSONValue {
        let paths = Self.paths(in: root)
        guard let path = paths.randomElement(using: &generator) else { return randomValue() }
        switch Int.random(in: 0..<6, using: &generator) {
        case 0, 1:
            return Self.replacing(root, at: path[...]) { _ in randomValue() }
        case 2:
            return Self.replacing(root, at: path.dropLast()[...]) { parent in
                guard case .object(var object) = parent, case .key(let key)? = path.last else { return parent }
                object[key] = nil
                return .object(object)
            }
        case 3:
            return Self.replacing(root, at: path[...]) { node in
                guard case .object(var object) = node else { return node }
                object["type"] = .string(["sticker_v9", "", "text", "unsupported", String(repeating: "t", count: 300)]
                    .randomElement(using: &generator) ?? "x")
                object["unknown_field_\(Int.random(in: 0..<100, using: &generator))"] = randomValue()
                return .object(object)
            }
        case 4:
            return Self.replacing(root, at: path[...]) { node in
                guard case .array(let items) = node, let first = items.first else { return node }
                return .array(items + Array(repeating: first, count: Int.random(in: 1...20, using: &generator)))
            }
        default:
            return Self.replacing(root, at: path[...]) { node in
                var nested = node
                for _ in 0..<Int.random(in: 20...120, using: &generator) { nested = .array([nested]) }
                return nested
            }
        }
    }

    private mutating func randomValue() -> JSONValue {
        switch Int.random(in: 0..<10, using: &generator) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &generator))
        case 2: return .int([0, -1, Int.max, Int.min, 1_700_000_000].randomElement(using: &generator) ?? 0)
        case 3: return .double(Double.random(in: -1e300...1e300, using: &generator))
        case 4: return .string("")
        case 5: return .string(String(repeating: "💬é\u{0}<script>", count: Int.random(in: 1...2_000, using: &generator)))
        case 6: return .string("4242 4242 4242 4242 \(UUID().uuidString)")
        case 7: return .array([])
        case 8: return .object([:])
        default: return .array((0..<Int.random(in: 1...5, using: &generator)).map { .int($0) })
        }
    }

    private mutating func corrupt(_ bytes: Data) -> Data {
        guard !bytes.isEmpty else { return Data("{".utf8) }
        var copy = bytes
        switch Int.random(in: 0..<3, using: &generator) {
        case 0: return copy.prefix(Int.random(in: 0..<copy.count, using: &generator))
        case 1:
            copy[Int.random(in: 0..<copy.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            return copy
        default:
            copy.insert(contentsOf: [0xFF, 0xFE, 0x00], at: Int.random(in: 0..<copy.count, using: &generator))
            return copy
        }
    }

    // MARK: - Paths

    enum Step: Equatable {
        case key(String)
        case index(Int)
    }

    static func paths(in value: JSONValue, prefix: [Step] = []) -> [[Step]] {
        var result = [prefix]
        switch value {
        case .object(let object):
            for key in object.keys.sorted() { result += paths(in: object[key] ?? .null, prefix: prefix + [.key(key)]) }
        case .array(let items):
            for (index, item) in items.enumerated() { result += paths(in: item, prefix: prefix + [.index(index)]) }
        default:
            break
        }
        return result
    }

    static func replacing(_ value: JSONValue, at path: ArraySlice<Step>, with change: (JSONValue) -> JSONValue) -> JSONValue {
        guard let step = path.first else { return change(value) }
        switch (value, step) {
        case (.object(var object), .key(let key)):
            object[key] = replacing(object[key] ?? .null, at: path.dropFirst(), with: change)
            return .object(object)
        case (.array(var items), .index(let index)) where items.indices.contains(index):
            items[index] = replacing(items[index], at: path.dropFirst(), with: change)
            return .array(items)
        default:
            return value
        }
    }
}
