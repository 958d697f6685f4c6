import FluentKit

/// Each model type's field keys, once known.
private let keysByType = KeptValues<ObjectIdentifier, [FieldKey]>()

extension Model {
    /// `keys`, kept after the first call: Fluent makes a model and walks its properties on every call (2 % of the
    /// inbound server's time went to the direct writes asking it, profiled), and a type's keys never change.
    static var cachedKeys: [FieldKey] {
        keysByType.value(for: ObjectIdentifier(Self.self)) { Self.keys }
    }
}
