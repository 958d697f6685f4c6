import Fluent
import Foundation
import ParleyCore
import Vapor

/// Zendesk's two pagination styles: offset (`page`, `per_page`, at most 100) and cursor
/// (`page[size]`, `page[after]`, `page[before]`), with `sort_by`/`sort_order` or `sort=-field`.
struct PageRequest {
    enum Mode: Equatable {
        case offset(page: Int, perPage: Int)
        case cursor(size: Int, after: String?, before: String?)
    }

    static let maxPageSize = 100
    /// Offset pages beyond this are refused (offsets that deep are slow, and the product could overflow).
    static let maxPage = 100_000
    let mode: Mode
    let sortName: String
    let descending: Bool

    init(_ request: Request, sortable: [String], defaultSort: String = "id", defaultDescending: Bool = false) throws {
        let query = request.url.query.map(PageRequest.parseQuery) ?? [:]
        func number(_ name: String, default fallback: Int) throws -> Int {
            guard let raw = query[name] else { return fallback }
            guard let value = Int(raw), value >= 1, value <= PageRequest.maxPage else {
                throw APIError.badRequest("\(name) must be a whole number from 1 to \(PageRequest.maxPage); use cursor pagination (page[size], page[after]) to go deeper")
            }
            return value
        }
        var sortName = defaultSort
        var descending = defaultDescending
        if let sort = query["sort"], !sort.isEmpty {
            descending = sort.hasPrefix("-")
            sortName = descending ? String(sort.dropFirst()) : sort
        }
        if let sortBy = query["sort_by"], !sortBy.isEmpty { sortName = sortBy }
        if let order = query["sort_order"] {
            guard order == "asc" || order == "desc" else { throw APIError.badRequest("sort_order must be asc or desc") }
            descending = order == "desc"
        }
        guard sortable.contains(sortName) else {
            throw APIError.badRequest("sort_by must be one of \(sortable.joined(separator: ", "))")
        }
        self.sortName = sortName
        self.descending = descending

        if query["page[size]"] != nil || query["page[after]"] != nil || query["page[before]"] != nil {
            let size = min(try number("page[size]", default: PageRequest.maxPageSize), PageRequest.maxPageSize)
            mode = .cursor(size: size, after: query["page[after]"], before: query["page[before]"])
        } else {
            let perPage = min(try number("per_page", default: PageRequest.maxPageSize), PageRequest.maxPageSize)
            mode = .offset(page: try number("page", default: 1), perPage: perPage)
        }
    }

    static func parseQuery(_ query: String) -> [String: String] {
        var result: [String: String] = [:]
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard let rawKey = parts.first, !rawKey.isEmpty else { continue }
            let decode = { (text: String) in text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? text }
            result[decode(rawKey)] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return result
    }
}
