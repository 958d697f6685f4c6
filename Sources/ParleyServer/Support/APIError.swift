import ParleyCore
import Vapor

/// An error answered with Zendesk's JSON error body: `{"error": ..., "description": ..., "details": ...}`.
struct APIError: Error, Sendable {
    let status: HTTPResponseStatus
    let error: String
    let description: String
    var details: [String: [String]]? = nil

    static func notFound(_ what: String = "Not found") -> APIError {
        APIError(status: .notFound, error: "RecordNotFound", description: what)
    }

    static func invalid(_ details: [String: [String]]) -> APIError {
        APIError(
            status: .unprocessableEntity, error: "RecordInvalid", description: "Record validation errors",
            details: details)
    }

    static func invalid(_ field: String, _ message: String) -> APIError { invalid([field: [message]]) }

    static func badRequest(_ description: String) -> APIError {
        APIError(status: .badRequest, error: "InvalidRequest", description: description)
    }

    static let unauthenticated = APIError(
        status: .unauthorized, error: "Couldn't authenticate you", description: "Authentication is required")
    static let forbidden = APIError(
        status: .forbidden, error: "Forbidden", description: "You do not have access to this page")

    init(status: HTTPResponseStatus, error: String, description: String, details: [String: [String]]? = nil) {
        self.status = status
        self.error = error
        self.description = description
        self.details = details
    }

    init(_ validation: TicketValidationError) {
        self = .invalid(validation.details)
    }

    var body: JSONValue {
        var object: [String: JSONValue] = ["error": .string(error), "description": .string(description)]
        if let details {
            object["details"] = .object(
                details.mapValues { messages in
                    .array(messages.map { ["description": .string($0), "error": "InvalidValue"] })
                })
        }
        return .object(object)
    }
}
