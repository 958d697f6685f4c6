import Fluent
import Foundation
import Logging
import NIOConcurrencyHelpers
import SQLKit
import Vapor
import WhatsAppCloud

/// Downloads channel media after the webhook was answered: media id → URL → bytes (with the access token),
/// sha256 checked, stored by content hash. Failures retry with backoff; the attachment shows pending or
/// failed, never disappears.
final class MediaFetcher: Sendable {
    static let maxAttempts = 8

    private let application: Application
    private let graph: any GraphAPI
    private let loop = BackgroundLoop(idleSeconds: 2)

    init(application: Application, graph: any GraphAPI) {
        self.application = application
        self.graph = graph
    }

    private var logger: Logger { application.logger }
    private var now: Date { application.parley.clock.now }

    func start() { loop.start { [self] in (try? await runOnce()) ?? 0 } }
    func stop() async { await loop.stop() }
    /// New media was queued: skip the rest of the idle wait.
    func wake() { loop.wake() }

    /// Claims due downloads and performs them; returns how many it worked on.
    @discardableResult
    func runOnce(limit: Int = 8) async throws -> Int {
        let claimed = try await claim(limit: limit)
        for attachment in claimed { await download(attachment) }
        return claimed.count
    }

    /// Marks due rows as downloading in one statement (see `BatchClaim`), so two instances never fetch the same
    /// file; rows a crashed instance left downloading are taken back after five minutes.
    private func claim(limit: Int) async throws -> [AttachmentModel] {
        let db = application.db
        guard let sql = db as? SQLDatabase else { return [] }
        let stamp = now
        let claim = try await application.parley.writeGate.run {
            try await BatchClaim(table: AttachmentModel.schema, statusColumn: "media_status", claimColumn: "media_claim",
                                 timeColumn: "media_next_attempt_at")
                .claim(on: sql, waiting: ("pending", stamp), abandoned: ("downloading", stamp.addingTimeInterval(-300)),
                       stamp: stamp, limit: limit)
        }
        return try await AttachmentModel.query(on: db).filter(\.$mediaClaim == claim).sort(\.$id).all()
    }

    private func download(_ attachment: AttachmentModel) async {
        do {
            guard let integrationID = attachment.mediaIntegrationID, let mediaID = attachment.mediaID,
                let integration = try await application.parley.integrations.withIDs([integrationID], on: application.db).first
            else { throw MediaFailure.permanent("the WhatsApp integration is gone") }
            let info = try await graph.mediaInfo(id: mediaID, token: integration.accessToken)
            let limit = MessageContent.sizeLimit(for: attachment.mediaKind ?? "document")
            guard info.fileSize <= limit else { throw MediaFailure.permanent("the file is larger than WhatsApp's \(limit / 1024) KB limit") }
            let data = try await graph.download(url: info.url, token: integration.accessToken)
            guard data.count <= limit else { throw MediaFailure.permanent("the file is larger than WhatsApp's \(limit / 1024) KB limit") }
            let hash = AttachmentStore.sha256(data)
            guard Self.matches(hash, info.sha256), Self.matches(hash, attachment.mediaExpectedSHA256) else {
                throw MediaFailure.retry("the downloaded file does not match its sha256")
            }
            _ = try await application.parley.files.store(data)
            attachment.sha256 = hash
            attachment.size = data.count
            attachment.contentType = info.mimeType
            attachment.mediaStatus = "stored"
            attachment.mediaError = nil
            try await application.parley.writeGate.run { [db = application.db] in try await attachment.save(on: db) }
            application.parley.metrics.countMediaDownload(.stored)
        } catch {
            await fail(attachment, error)
        }
    }

    private func fail(_ attachment: AttachmentModel, _ error: Error) async {
        let attempts = (attachment.mediaAttempts ?? 0) + 1
        attachment.mediaAttempts = attempts
        let permanent: Bool
        let reason: String
        switch error {
        case MediaFailure.permanent(let why): (permanent, reason) = (true, why)
        case MediaFailure.retry(let why): (permanent, reason) = (false, why)
        case let graphError as GraphAPIError: (permanent, reason) = (!graphError.isTransient && graphError.code != 131016, graphError.summary)
        default: (permanent, reason) = (false, "could not store the file")
        }
        if permanent || attempts >= Self.maxAttempts {
            attachment.mediaStatus = "failed"
            attachment.mediaError = reason
        } else {
            attachment.mediaStatus = "pending"
            attachment.mediaError = "retrying: \(reason)"
            attachment.mediaNextAttemptAt = now.addingTimeInterval(min(3600, 2 * pow(2, Double(attempts))))
        }
        logger.warning("media download failed", metadata: ["attachment_id": "\(attachment.id ?? 0)", "attempt": "\(attempts)"])
        // An expired or revoked token stops every download and send of the number: the admin page says so.
        let unhealthy = (error as? GraphAPIError)?.code.map(WhatsAppErrorCode.makesIntegrationUnhealthy) ?? false
        let now = self.now
        _ = try? await application.parley.writeGate.run { [db = application.db] in
            try await attachment.save(on: db)
            if unhealthy, let id = attachment.mediaIntegrationID {
                try await WhatsAppIntegrationModel.markUnhealthy(integrationID: id, "Media download refused: \(reason)", at: now, on: db)
            }
        }
        application.parley.metrics.countMediaDownload(attachment.mediaStatus == "failed" ? .failed : .retry)
    }

    /// WhatsApp gives sha256 as hex (media info) or base64 (webhooks); a missing one is no objection.
    static func matches(_ hex: String, _ expected: String?) -> Bool {
        guard let expected, !expected.isEmpty else { return true }
        if expected.lowercased() == hex { return true }
        guard let bytes = Data(base64Encoded: expected) else { return false }
        return bytes.hexDigits == hex
    }

    enum MediaFailure: Error {
        case permanent(String)
        case retry(String)
    }
}
