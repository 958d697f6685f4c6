import ParleyJSON

/// An error inside a webhook (`messages[].errors[]`, `statuses[].errors[]`, `value.errors[]`).
public struct ErrorDetail: Codable, Sendable, Equatable {
    public var code: Int
    public var title: String?
    public var message: String?
    public var errorData: ErrorData?
    public var href: String?

    public struct ErrorData: Codable, Sendable, Equatable {
        public var details: String?
        public init(details: String?) { self.details = details }
    }

    enum CodingKeys: String, CodingKey {
        case code, title, message, href
        case errorData = "error_data"
    }

    public init(code: Int, title: String?, message: String? = nil, details: String? = nil) {
        self.code = code
        self.title = title
        self.message = message ?? title
        self.errorData = details.map { ErrorData(details: $0) }
    }

    /// What an agent reads: WhatsApp's code, title and details (titles are being deprecated, details stay).
    public var summary: String {
        var text = "(#\(code)) " + (title ?? message ?? "WhatsApp error")
        if let details = errorData?.details, !details.isEmpty { text += ": " + details }
        return text
    }
}
