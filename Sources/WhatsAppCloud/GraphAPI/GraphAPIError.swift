/// A failed Graph API call: Meta's error (with its HTTP status), or no answer at all.
public enum GraphAPIError: Error, Sendable, Equatable {
    case api(status: Int, code: Int, message: String, details: String?)
    case transport(String)
    case invalidResponse(String)

    public var code: Int? {
        if case .api(_, let code, _, _) = self { return code }
        return nil
    }

    /// Retrying may help: Meta's own throttling and outages, and a call that never got an answer.
    public var isTransient: Bool {
        switch self {
        case .transport: return true
        case .invalidResponse: return false
        case .api(let status, let code, _, _):
            // A 429 from a proxy or gateway may carry no Graph error body at all: it is still "slow down".
            return status >= 500 || status == 429 || status == 408 || WhatsAppErrorCode.isTransient(code)
        }
    }

    public var summary: String {
        switch self {
        case .api(let status, let code, let message, let details):
            return "(#\(code)) \(message)" + (details.map { ": \($0)" } ?? "") + " [HTTP \(status)]"
        case .transport(let reason): return "No answer from WhatsApp: \(reason)"
        case .invalidResponse(let reason): return "Unexpected answer from WhatsApp: \(reason)"
        }
    }
}
