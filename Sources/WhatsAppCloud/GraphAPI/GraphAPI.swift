import Foundation

/// What Parley asks of Meta's Graph API. `LiveGraphAPI` talks to Meta (or to the simulator, which serves the
/// same endpoints); tests may use either.
public protocol GraphAPI: Sendable {
    func send(_ message: OutboundMessage, phoneNumberID: String, token: String) async throws -> SendResponse
    /// Marks an inbound message (and the ones before it) read: the user sees blue ticks.
    func markRead(messageID: String, phoneNumberID: String, token: String) async throws
    func uploadMedia(_ data: Data, mimeType: String, fileName: String, phoneNumberID: String, token: String)
        async throws -> String
    func mediaInfo(id: String, token: String) async throws -> MediaInfo
    func download(url: String, token: String) async throws -> Data
    func templates(wabaID: String, token: String) async throws -> [MessageTemplate]
}
