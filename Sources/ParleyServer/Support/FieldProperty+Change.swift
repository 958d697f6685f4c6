import Fluent

extension FieldProperty where Value: Equatable {
    /// Assigns `newValue` unless the field already holds it. Fluent writes every assigned field, changed or not;
    /// a field never set (a new model) is always assigned.
    func change(to newValue: Value) {
        if value != newValue { value = newValue }
    }
}
