import Fluent

extension OptionalFieldProperty where WrappedValue: Equatable {
    /// Assigns `newValue` unless the field already holds it (nil included). Fluent writes every assigned field,
    /// changed or not; a field never set (a new model) is always assigned.
    func change(to newValue: WrappedValue?) {
        if value != .some(newValue) { value = .some(newValue) }
    }
}
