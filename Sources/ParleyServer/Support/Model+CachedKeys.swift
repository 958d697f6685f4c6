import FluentKit
import NIOConcurrencyHelpers

/// Each model type's field keys, once known.
private let keysByType = NIOLockedValueBox<[ObjectIdentifier: [FieldKey]]>([:])

extension Model {
    /// `keys`, kept after the first call: Fluent makes a model and walks its properties on every call (2 % of the
    /// inbound server's time went to the direct writes asking it, profiled), and a type's keys never change.
    static var cachedKeys: [FieldKey] {
        let type = ObjectIdentifier(Self.self)
        if let known = keysByType.withLockedValue({ $0[type] }) { return known }
        let keys = Self.keys
        keysByType.withLockedValue { $0[type] = keys }
        return keys
    }
}
