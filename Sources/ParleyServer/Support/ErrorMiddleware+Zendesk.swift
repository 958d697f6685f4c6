import ParleyCore
import Vapor

/// Turns every error into Zendesk's JSON error body; unexpected errors are logged and answered 500
/// without their text, which might contain data.
struct ZendeskErrorMiddleware: Middleware {
    func respond(to request: Request, chainingTo next: Responder) -> EventLoopFuture<Response> {
        next.respond(to: request).flatMapErrorThrowing { error in Self.response(for: error, logger: request.logger) }
    }

    static func response(for error: any Error, logger: Logger) -> Response {
        switch error {
        case let error as APIError:
            return error.body.response(status: error.status)
        case let error as TicketValidationError:
            let apiError = APIError(error)
            return apiError.body.response(status: apiError.status)
        case let error as JSONParseError:
            return APIError.badRequest(error.reason).body.response(status: .badRequest)
        case let abort as AbortError:
            let status = abort.status
            let name: String
            switch status {
            case .notFound: name = "InvalidEndpoint"
            case .unauthorized: name = "Couldn't authenticate you"
            case .payloadTooLarge: name = "PayloadTooLarge"
            default: name = status.reasonPhrase
            }
            let body: JSONValue = ["error": .string(name), "description": .string(abort.reason)]
            return body.response(status: status)
        default:
            logger.error("Unhandled error: \(String(reflecting: type(of: error)))")
            let body: JSONValue = ["error": "InternalError", "description": "Something went wrong on our side"]
            return body.response(status: .internalServerError)
        }
    }
}
