import Logging
@testable import ParleyServer
import Testing

/// Secrets never reach the log: neither bound values in a query's metadata nor credentials in a request head that
/// Vapor prints at trace level.
@Suite("Redacting log handler")
struct RedactingLogHandlerTests {
    @Test func credentialHeadersInARequestHeadAreHidden() {
        let head = """
            Decoded HTTP part: head: HTTPRequestHead { method: GET, uri: "/api/v2/tickets.json", version: HTTP/1.1, \
            headers: Authorization: Basic YWdlbnRAZXhhbXBsZS5jb20vdG9rZW46c2VjcmV0; cookie: parley-session=abc123; \
            X-Hub-Signature-256: sha256=deadbeef; host: 127.0.0.1:8080 }
            """
        let logged = RedactingLogHandler.redactingHeaders("\(head)").description
        #expect(!logged.contains("YWdlbnRAZXhhbXBsZS5jb20vdG9rZW46c2VjcmV0"))
        #expect(!logged.contains("abc123"))
        #expect(!logged.contains("deadbeef"))
        #expect(logged.contains("Authorization: <redacted>;"))
        #expect(logged.contains("cookie: <redacted>;"))
        // What is not a credential stays readable.
        #expect(logged.contains("host: 127.0.0.1:8080 }"))
        #expect(logged.contains(#"uri: "/api/v2/tickets.json""#))
    }

    @Test func aLineWithoutHeadersIsUnchanged() {
        let line = "webhook processed: stored 3"
        #expect(RedactingLogHandler.redactingHeaders("\(line)").description == line)
    }

    @Test func boundValuesInMetadataAreHidden() {
        let recorder = Recorder()
        var handler = RedactingLogHandler(recorder)
        handler.logLevel = .trace
        var logger = Logger(label: "test", factory: { _ in handler })
        logger.logLevel = .trace
        logger.trace("Executing query", metadata: ["sql": "SELECT 1", "binds": "[\"EAAsecret\"]"])
        let event = try? #require(recorder.events.last)
        #expect(event?.metadata?["binds"]?.description == "<redacted>")
        #expect(event?.metadata?["sql"]?.description == "SELECT 1")
    }
}

/// Keeps what reaches it.
private final class Recorder: LogHandler, @unchecked Sendable {
    var events: [LogEvent] = []
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
    func log(event: LogEvent) { events.append(event) }
}
