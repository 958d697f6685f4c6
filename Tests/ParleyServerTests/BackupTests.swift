import Fluent
import Foundation
@testable import ParleyServer
import Testing
import Vapor

@Suite("Backup and restore")
struct BackupTests {
    @Test func aRestoredBackupHoldsTheSameData() async throws {
        guard TestDatabase.postgresServer == nil else {
            // PostgreSQL is backed up with pg_dump; the command says so instead of copying.
            try await TestApp.with { t in
                let directory = NSTemporaryDirectory() + "parley-backup-" + UUID().uuidString
                let summary = try await Backup.run(app: t.app, to: directory)
                #expect(summary.databaseBytes == 0)
            }
            return
        }
        let backup = NSTemporaryDirectory() + "parley-backup-" + UUID().uuidString
        let restored = NSTemporaryDirectory() + "parley-restored-" + UUID().uuidString
        var expected: [String] = []
        var attachmentID = 0
        try await TestApp.with { t in
            var headers = HTTPHeaders()
            headers.contentType = .plainText
            let upload = try await t.send(.POST, "/api/v2/uploads?filename=notes.txt", as: .token(t.agent), headers: headers,
                                          bytes: Data("backed up bytes".utf8))
            let token = try #require(upload.json["upload"]?["token"]?.stringValue)
            _ = try await t.createTicket(subject: "first", extra: ["comment": ["body": "with a file", "uploads": [.string(token)]]])
            _ = try await t.createTicket(subject: "second")
            attachmentID = try #require(try await AttachmentModel.query(on: t.app.db).first()?.id)
            expected = try await TicketModel.query(on: t.app.db).sort(\.$id).all().compactMap(\.subject)
            let summary = try await Backup.run(app: t.app, to: backup)
            #expect(summary.databaseBytes > 0)
            #expect(summary.attachmentFiles == 1)
            await #expect(throws: Backup.Failure.self) { try await Backup.run(app: t.app, to: backup) }
        }
        let summary = try Backup.restore(from: backup, into: restored)
        #expect(summary.attachmentFiles == 1)
        #expect(throws: Backup.Failure.self) { try Backup.restore(from: backup, into: restored) }

        let app = try await Application.make(.testing)
        do {
            try await configure(app, settings: ParleySettings(dataDirectory: restored, bcryptCost: 4, logLevel: .warning))
            #expect(try await TicketModel.query(on: app.db).sort(\.$id).all().compactMap(\.subject) == expected)
            let attachment = try #require(try await AttachmentModel.find(attachmentID, on: app.db))
            #expect(try await app.parley.files.load(attachment.sha256) == Data("backed up bytes".utf8))
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
        try? FileManager.default.removeItem(atPath: backup)
        try? FileManager.default.removeItem(atPath: restored)
    }
}
