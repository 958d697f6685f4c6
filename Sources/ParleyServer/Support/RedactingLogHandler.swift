import Logging

/// Wraps the log output so database values never reach it: at debug level FluentKit and SQLKit log every
/// query with its bound values (`input`, `binds`), which would include access tokens, app secrets and
/// password hashes. The query itself stays; its values are replaced.
public struct RedactingLogHandler: LogHandler {
    static let hiddenKeys: Set<String> = ["input", "binds", "password", "token", "secret", "authorization"]

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
        if let metadata = event.metadata {
            event.metadata = metadata.reduce(into: Logger.Metadata()) { result, item in
                result[item.key] = Self.hiddenKeys.contains(item.key.lowercased()) ? "<redacted>" : item.value
            }
        }
        inner.log(event: event)
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
