/// Meta's error body for any Graph call: `{"error": {message, type, code, error_data: {messaging_product, details}, fbtrace_id}}`.
public struct GraphErrorBody: Codable, Sendable, Equatable {
    public struct Inner: Codable, Sendable, Equatable {
        public var message: String
        public var type: String
        public var code: Int
        public var errorData: ErrorData?
        public var fbtraceID: String?

        public struct ErrorData: Codable, Sendable, Equatable {
            public var messagingProduct: String?
            public var details: String?
            enum CodingKeys: String, CodingKey {
                case details
                case messagingProduct = "messaging_product"
            }
        }

        enum CodingKeys: String, CodingKey {
            case message, type, code
            case errorData = "error_data"
            case fbtraceID = "fbtrace_id"
        }
    }

    public var error: Inner

    public init(code: Int, message: String, details: String?, type: String = "OAuthException", traceID: String) {
        error = Inner(
            message: message, type: type, code: code,
            errorData: details.map { Inner.ErrorData(messagingProduct: "whatsapp", details: $0) }, fbtraceID: traceID)
    }
}
