import Logging

/// Wraps the log output so database values never reach it: at debug level FluentKit and SQLKit log every
/// query with its bound values (`input`, `binds`), which would include access tokens, app secrets and
/// password hashes. The query itself stays; its values are replaced. At trace level Vapor logs each request's
/// head in the message, headers and all: the values of the headers that carry credentials are replaced there.
public struct RedactingLogHandler: LogHandler {
    static let hiddenKeys: Set<String> = ["input", "binds", "password", "token", "secret", "authorization"]
    /// A header in `HTTPHeaders`' description (`name: value; name: value`) whose value is a credential.
    nonisolated(unsafe) static let credentialHeader =
        #/(?i)\b(authorization|proxy-authorization|cookie|set-cookie|x-csrf-token|x-hub-signature-256): [^;}\n]*/#

    private var inner: LogHandler

    public init(_ inner: LogHandler) { self.inner = inner }

    public var metadata: Logger.Metadata {
        get { inner.metadata }
        set { inner.metadata = newValue }
    }

    public var logLevel: Logger.Level {
        get { inner.logLevel }
        set { inner.logLevel = newValue }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { inner[metadataKey: key] }
        set { inner[metadataKey: key] = newValue }
    }

    public func log(event: LogEvent) {
        var event = event
        event.message = Self.redactingHeaders(event.message)
        if let metadata = event.metadata {
            event.metadata = metadata.reduce(into: Logger.Metadata()) { result, item in
                result[item.key] = Self.hiddenKeys.contains(item.key.lowercased()) ? "<redacted>" : item.value
            }
        }
        inner.log(event: event)
    }

    static func redactingHeaders(_ message: Logger.Message) -> Logger.Message {
        let text = message.description
        // Most lines name no header at all: skip the regular expression for them.
        guard text.contains(": ") else { return message }
        let redacted = text.replacing(credentialHeader) { match in "\(match.1): <redacted>" }
        return redacted == text ? message : "\(redacted)"
    }

    /// Installs the handler for the whole process (once, before anything logs).
    public static func bootstrap(level: Logger.Level) {
        LoggingSystem.bootstrap { label in
            var handler = RedactingLogHandler(StreamLogHandler.standardOutput(label: label))
            handler.logLevel = level
            return handler
        }
    }
}
