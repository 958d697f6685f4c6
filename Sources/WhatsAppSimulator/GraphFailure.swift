import Foundation
import ParleyJSON
import WhatsAppCloud

/// An error the simulated Graph API answers with, in Meta's shape and with Meta's HTTP status.
public struct GraphFailure: Error, Sendable, Equatable {
    public var httpStatus: Int
    public var code: Int
    public var message: String
    public var details: String?
    public var type: String = "OAuthException"

    public static let invalidToken = GraphFailure(
        httpStatus: 401, code: 190, message: "Invalid OAuth access token - Cannot parse access token", details: nil)

    public static func invalidParameter(_ details: String) -> GraphFailure {
        GraphFailure(httpStatus: 400, code: 100, message: "(#100) Invalid parameter", details: details)
    }

    public static func unknownObject(_ id: String) -> GraphFailure {
        GraphFailure(
            httpStatus: 400, code: 100,
            message: "Unsupported post request. Object with ID '\(id)' does not exist, cannot be loaded due to missing permissions, or does not support this operation",
            details: nil, type: "GraphMethodException")
    }

    public static let throughput = GraphFailure(
        httpStatus: 429, code: 130429, message: "(#130429) Rate limit hit",
        details: "Message failed to send because there were too many messages sent from this phone number in a short period of time")

    public static func templateMissing(_ name: String, _ language: String) -> GraphFailure {
        GraphFailure(
            httpStatus: 404, code: 132001, message: "(#132001) Template name does not exist in the translation",
            details: "template name (\(name)) does not exist in \(language)")
    }

    public static func templateParameters(_ details: String) -> GraphFailure {
        GraphFailure(httpStatus: 400, code: 132000, message: "(#132000) Number of parameters does not match the expected number of params", details: details)
    }

    public static let serviceUnavailable = GraphFailure(
        httpStatus: 503, code: 131016, message: "(#131016) Service unavailable",
        details: "A service is temporarily unavailable.")

    public func body(traceID: String = "A" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(22)) -> Data {
        let body = GraphErrorBody(code: code, message: message, details: details, type: type, traceID: traceID)
        return (try? JSONEncoder().encode(body)) ?? Data()
    }
}
