import Fluent
import Foundation
import ParleyCore
import Vapor

/// Runs a list query under a `PageRequest` and builds Zendesk's envelope around the rendered items: the query's
/// models, or plain rows read from it (`Item`).
struct Paginator<M: Model, Item> where M.IDValue == Int {
    let request: Request
    let page: PageRequest
    let sortFields: [SortField<Item>]
    /// Reads the page's items from the sorted, limited query.
    let read: (QueryBuilder<M>) async throws -> [Item]
    let id: (Item) -> Int

    private var sortField: SortField<Item> { sortFields.first { $0.name == page.sortName } ?? sortFields[0] }

    /// `count` answers how many items the whole list has, when it is known more cheaply than by counting them.
    func list(
        _ query: QueryBuilder<M>, key: String, count counter: (() async throws -> Int)? = nil,
        render: ([Item]) async throws -> [JSONValue]
    ) async throws -> JSONValue {
        switch page.mode {
        case .offset(let number, let perPage):
            let count = if let counter { try await counter() } else { try await query.copy().count() }
            let items = try await read(sorted(query, descending: page.descending).range((number - 1) * perPage..<(number * perPage)))
            var envelope = request.offsetPage(number, perPage: perPage, count: count)
            envelope[key] = .array(try await render(items))
            return .object(envelope)
        case .cursor(let size, let after, let before):
            let backwards = before != nil
            let cursor = try (before ?? after).map(decodeCursor)
            let direction = page.descending != backwards
            let filtered = query.copy()
            if let cursor { applyCursor(cursor, to: filtered, descending: direction) }
            var items = try await read(sorted(filtered, descending: direction).limit(size + 1))
            let hasMore = items.count > size
            items = Array(items.prefix(size))
            if backwards { items.reverse() }
            let first = items.first.map(encodeCursor)
            let last = items.last.map(encodeCursor)
            let moreAfter = backwards ? true : hasMore
            let moreBefore = backwards ? hasMore : (after != nil)
            return .object([
                key: .array(try await render(items)),
                "meta": ["has_more": .bool(hasMore), "after_cursor": JSONValue(last),
                         "before_cursor": JSONValue(first)],
                "links": [
                    "next": moreAfter && last != nil ? .string(request.pageLink(["page[size]": "\(size)", "page[after]": last!])) : .null,
                    "prev": moreBefore && first != nil
                        ? .string(request.pageLink(["page[size]": "\(size)", "page[before]": first!])) : .null,
                ],
            ])
        }
    }

    private func sorted(_ query: QueryBuilder<M>, descending: Bool) -> QueryBuilder<M> {
        let direction: DatabaseQuery.Sort.Direction = descending ? .descending : .ascending
        if sortField.key != "id" { query.sort(sortField.key, direction) }
        return query.sort("id", direction)
    }

    private func applyCursor(_ cursor: (CursorValue, Int), to query: QueryBuilder<M>, descending: Bool) {
        let (value, id) = cursor
        let beyond: DatabaseQuery.Filter.Method = descending ? .lessThan : .greaterThan
        guard sortField.key != "id" else {
            query.filter("id", beyond, id)
            return
        }
        if case .date(let seconds) = value {
            // SQLite keeps a date as a float with more digits than its driver reads back (rounded to microseconds),
            // so the cursor's date can miss the stored one by less than a microsecond either way: an exact
            // comparison repeated or skipped the cursor's own record. Dates that close count as the same time.
            let earliest = Date(timeIntervalSince1970: seconds - Self.sameTimeTolerance)
            let latest = Date(timeIntervalSince1970: seconds + Self.sameTimeTolerance)
            query.group(.or) { either in
                either.filter(sortField.key, beyond, descending ? earliest : latest)
                either.group(.and) { same in
                    same.filter(sortField.key, .greaterThanOrEqual, earliest)
                    same.filter(sortField.key, .lessThanOrEqual, latest)
                    same.filter("id", beyond, id)
                }
            }
            return
        }
        query.group(.or) { either in
            bind(either, sortField.key, beyond, value)
            either.group(.and) { same in
                bind(same, sortField.key, .equal, value)
                same.filter("id", beyond, id)
            }
        }
    }

    /// How far apart two stored dates may be and still count as equal in a cursor (see `applyCursor`).
    static var sameTimeTolerance: TimeInterval { 0.000_001 }

    private func bind(_ query: QueryBuilder<M>, _ key: FieldKey, _ method: DatabaseQuery.Filter.Method, _ value: CursorValue) {
        switch value {
        case .int(let int): query.filter(key, method, int)
        case .date(let seconds): query.filter(key, method, Date(timeIntervalSince1970: seconds))
        case .string(let string): query.filter(key, method, string)
        case .null: query.filter(.path([key], schema: M.schema), method, .null)
        }
    }

    private struct Cursor: Codable {
        let v: CursorValue
        let id: Int
    }

    private func encodeCursor(_ item: Item) -> String {
        let cursor = Cursor(v: sortField.value(item), id: id(item))
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let data = (try? encoder.encode(cursor)) ?? Data()
        return data.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    private func decodeCursor(_ text: String) throws -> (CursorValue, Int) {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64), let cursor = try? JSONDecoder().decode(Cursor.self, from: data)
        else { throw APIError.badRequest("page[after] / page[before] is not a cursor this server issued") }
        return (cursor.v, cursor.id)
    }
}

extension Paginator where Item == M {
    /// Pages of the query's models.
    init(request: Request, page: PageRequest, sortFields: [SortField<M>]) {
        self.init(request: request, page: page, sortFields: sortFields, read: { try await $0.allReadingRowsDirectly() },
                  id: { $0.id ?? 0 })
    }
}
