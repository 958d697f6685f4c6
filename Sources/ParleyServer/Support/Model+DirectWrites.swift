import FluentKit
import FluentSQLiteDriver

extension Model where IDValue == Int {
    /// `create(on:)`, on SQLite with the INSERT written as plain text and run straight on the driver. Building each
    /// statement through Fluent and SQLKit (their query converter, serializer and identifier quoting) was a quarter
    /// of the inbound writer's time (profiled); the single writer runs six statements per message. PostgreSQL, models
    /// with middleware, and values other than plain binds go through Fluent as before.
    func createDirectly(on database: any Database) async throws {
        // A model without an id is new (`_$idExists` finds the id property by reflection on every call: 1 % of the
        // inbound server's time); one with an id goes to Fluent, which refuses it if it exists.
        guard id == nil, let sqlite = direct(database), let input = plainInput(changedOnly: false) else {
            return try await create(on: database)
        }
        let columns = input.filter { !$0.isDefault }
        let names = columns.map { SelectList.quoted($0.key.description) }.joined(separator: ", ")
        let marks = Array(repeating: "?", count: columns.count).joined(separator: ", ")
        let text = "INSERT INTO \(SelectList.quoted(Self.schema)) (\(names)) VALUES (\(marks)) RETURNING \"id\""
        let rows = try await sqlite.queryLogged(text, columns.map(\.data))
        var saved = Dictionary(uniqueKeysWithValues: columns.map { ($0.key, $0.value) })
        saved[.id] = .bind(try rows.first.map { try $0.value("id", as: Int.self) } ?? { throw MissingID() }())
        try output(from: SavedValues(values: saved))
    }

    /// `save(on:)` the same way: an INSERT for a new model, else an UPDATE of the changed fields only (none: no
    /// statement at all, as Fluent does).
    func saveDirectly(on database: any Database) async throws {
        guard _$idExists else { return try await createDirectly(on: database) }
        guard let sqlite = direct(database), let id, let input = plainInput(changedOnly: true) else {
            return try await save(on: database)
        }
        guard !input.isEmpty else { return }
        let assignments = input.map { SelectList.quoted($0.key.description) + " = ?" }.joined(separator: ", ")
        let text = "UPDATE \(SelectList.quoted(Self.schema)) SET \(assignments) WHERE \"id\" = ?"
        _ = try await sqlite.queryLogged(text, input.map(\.data) + [.integer(id)])
        try output(from: SavedValues(values: Dictionary(uniqueKeysWithValues: input.map { ($0.key, $0.value) })))
    }

    /// Whether this model's writes on `database` take the direct path (for tests; nil: through Fluent).
    static func writesDirectly(on database: any Database) -> Bool { Self().direct(database) != nil }

    private func direct(_ database: any Database) -> (any SQLiteDatabase)? {
        guard database.configuration.middleware.isEmpty, Self.schema == Self.schemaOrAlias,
            Self.cachedKeys.contains(.id) else { return nil }
        return database as? any SQLiteDatabase
    }

    /// The fields to write with their values, or nil when one is not a plain bind, null or default.
    private func plainInput(changedOnly: Bool) -> [PlainInput.Field]? {
        let collector = PlainInput(wantsUnmodifiedKeys: !changedOnly)
        input(to: collector)
        return collector.failed ? nil : collector.fields
    }
}

/// No id came back from an INSERT … RETURNING.
private struct MissingID: Error, CustomStringConvertible {
    var description: String { "the database returned no id for the new row" }
}

/// A model's input as SQLite values, in the order the model lists its fields (each once).
private final class PlainInput: DatabaseInput {
    struct Field {
        let key: FieldKey
        let value: DatabaseQuery.Value
        let data: SQLiteData
        var isDefault: Bool { if case .default = value { true } else { false } }
    }

    let wantsUnmodifiedKeys: Bool
    var fields: [Field] = []
    var failed = false
    private let encoder = SQLiteDataEncoder()

    init(wantsUnmodifiedKeys: Bool) {
        self.wantsUnmodifiedKeys = wantsUnmodifiedKeys
    }

    func set(_ value: DatabaseQuery.Value, at key: FieldKey) {
        let data: SQLiteData
        switch value {
        case .bind(let bound):
            guard let encoded = try? encoder.encode(bound) else { failed = true; return }
            data = encoded
        case .null: data = .null
        case .default: data = .null
        case .enumCase(let name): data = .text(name)
        default: failed = true; return
        }
        fields.append(Field(key: key, value: value, data: data))
    }
}

/// What was written, read back into the model as Fluent does after its own writes (the fields are then saved,
/// not changed).
private struct SavedValues: DatabaseOutput {
    let values: [FieldKey: DatabaseQuery.Value]

    var description: String { values.description }

    func schema(_ schema: String) -> any DatabaseOutput { self }

    func contains(_ key: FieldKey) -> Bool { values[key] != nil }

    func decodeNil(_ key: FieldKey) throws -> Bool {
        guard let value = values[key] else { throw FluentError.missingField(name: key.description) }
        if case .null = value { return true }
        return false
    }

    func decode<T: Decodable>(_ key: FieldKey, as type: T.Type) throws -> T {
        switch values[key] {
        case .bind(let bound as T): return bound
        case .enumCase(let name as T): return name
        default: throw FluentError.missingField(name: key.description)
        }
    }
}
