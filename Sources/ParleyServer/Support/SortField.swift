import Fluent

/// A column a list can be sorted by, and how to read its value from a listed item (a model or a plain row) for a cursor.
struct SortField<Item>: Sendable {
    enum Kind: Sendable { case int, date, string }
    let name: String
    let key: FieldKey
    let kind: Kind
    let value: @Sendable (Item) -> CursorValue
}

/// The sort value stored inside a pagination cursor.
enum CursorValue: Codable, Sendable, Equatable {
    case int(Int)
    case date(Double)
    case string(String)
    case null
}
