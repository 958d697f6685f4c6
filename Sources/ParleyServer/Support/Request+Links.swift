import Foundation
import ParleyCore
import Vapor

extension Request {
    /// The current URL with some query parameters replaced, as Zendesk's `next_page` links are.
    func pageLink(_ replacements: [String: String]) -> String {
        var query = url.query.map(PageRequest.parseQuery) ?? [:]
        for key in ["page", "per_page", "page[size]", "page[after]", "page[before]"] { query[key] = nil }
        for (key, value) in replacements { query[key] = value }
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&=+[]")
        let text = query.sorted { $0.key < $1.key }
            .map { "\($0.key.addingPercentEncoding(withAllowedCharacters: allowed)!)=\($0.value.addingPercentEncoding(withAllowedCharacters: allowed)!)" }
            .joined(separator: "&")
        return baseURL + url.path + "?" + text
    }

    /// Zendesk's offset-page envelope around `count` items: the count and the links to the pages either side.
    func offsetPage(_ number: Int, perPage: Int, count: Int) -> [String: JSONValue] {
        [
            "count": .int(count),
            "next_page": number * perPage < count ? .string(pageLink(["page": "\(number + 1)", "per_page": "\(perPage)"])) : .null,
            "previous_page": number > 1 ? .string(pageLink(["page": "\(number - 1)", "per_page": "\(perPage)"])) : .null,
        ]
    }

    /// `scheme://host` as the client reached us, for absolute links in API output.
    var baseURL: String {
        let host = headers.first(name: .host) ?? "localhost"
        let scheme = headers.first(name: "X-Forwarded-Proto") ?? "http"
        return "\(scheme)://\(host)"
    }
}
