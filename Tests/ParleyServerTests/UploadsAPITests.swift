import Crypto
import Foundation
import ParleyCore
import Testing
import Vapor

@Suite("Uploads and attachments")
struct UploadsAPITests {
    @Test func uploadAttachDownload() async throws {
        try await TestApp.with { t in
            let bytes = Data((0..<5000).map { UInt8($0 % 251) })
            var headers = HTTPHeaders()
            headers.contentType = HTTPMediaType(type: "image", subType: "png")
            let upload = try await t.send(.POST, "/api/v2/uploads.json?filename=..%2F..%2Fetc%2Fshot.png",
                                          as: .token(t.agent), headers: headers, bytes: bytes)
            #expect(upload.status == .created, "\(upload.text)")
            let token = try #require(upload.json["upload"]?["token"]?.stringValue)
            let attachment = try #require(upload.json["upload"]?["attachment"])
            #expect(attachment["file_name"] == "shot.png")
            #expect(attachment["size"] == 5000)
            let digest = SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
            #expect(attachment["sha256"] == .string(digest))

            let ticket = try await t.createTicket(extra: ["comment": ["body": "see picture", "uploads": [.string(token)]]])
            let id = try #require(ticket["id"]?.intValue)
            let comments = try await t.send(.GET, "/api/v2/tickets/\(id)/comments", as: .token(t.agent))
            let files = try #require(comments.json["comments"]?[0]?["attachments"]?.arrayValue)
            #expect(files.count == 1)
            let attachmentID = try #require(files[0]["id"]?.intValue)

            let content = try await t.send(.GET, "/api/v2/attachments/\(attachmentID)/content", as: .token(t.agent))
            #expect(content.status == .ok)
            #expect(Data(buffer: content.body) == bytes)
            #expect(content.headers.first(name: "X-Content-Type-Options") == "nosniff")
            #expect(content.headers.first(name: .contentDisposition)?.contains("shot.png") == true)
            let anonymous = try await t.send(.GET, "/api/v2/attachments/\(attachmentID)/content")
            #expect(anonymous.status == .unauthorized)

            // A token is used once.
            let reuse = try await t.send(.PUT, "/api/v2/tickets/\(id)", as: .token(t.agent),
                                         json: ["ticket": ["comment": ["body": "again", "uploads": [.string(token)]]]])
            #expect(reuse.status == .unprocessableEntity)
            let after = try await t.send(.GET, "/api/v2/tickets/\(id)/comments", as: .token(t.agent))
            #expect(after.json["comments"]?.arrayValue?.count == 1, "a refused update adds no comment")
        }
    }

    /// The update's answer lists the files it attached (without reading them back) as the stored audit does.
    @Test func anUpdatesAnswerListsItsFilesAsTheStoredAuditDoes() async throws {
        try await TestApp.with { t in
            var headers = HTTPHeaders()
            headers.contentType = HTTPMediaType(type: "image", subType: "png")
            var tokens: [JSONValue] = []
            for name in ["b.png", "a.png"] {
                let upload = try await t.send(.POST, "/api/v2/uploads.json?filename=\(name)", as: .token(t.agent), headers: headers,
                                              bytes: Data(name.utf8))
                tokens.append(try #require(upload.json["upload"]?["token"]))
            }
            let ticket = try await t.createTicket()
            let id = try #require(ticket["id"]?.intValue)
            let update = try await t.send(.PUT, "/api/v2/tickets/\(id)", as: .token(t.agent), json: [
                "ticket": ["comment": ["body": "two pictures", "uploads": .array(tokens)]],
            ])
            #expect(update.status == .ok, "\(update.text)")
            let audit = try #require(update.json["audit"])
            let auditID = try #require(audit["id"]?.intValue)
            let answered = audit["events"]?.arrayValue?.first { $0["type"] == "Comment" }?["attachments"]
            #expect(answered?.arrayValue?.compactMap { $0["file_name"]?.stringValue } == ["b.png", "a.png"])
            let stored = try await t.send(.GET, "/api/v2/tickets/\(id)/audits/\(auditID)", as: .token(t.agent))
            let read = stored.json["audit"]?["events"]?.arrayValue?.first { $0["type"] == "Comment" }?["attachments"]
            #expect(answered != nil && answered == read)
        }
    }

    @Test func attachmentMetadataAndDeletingAnUnusedUpload() async throws {
        try await TestApp.with { t in
            var headers = HTTPHeaders()
            headers.contentType = .plainText
            let upload = try await t.send(.POST, "/api/v2/uploads?filename=notes.txt", as: .token(t.agent),
                                          headers: headers, bytes: Data("first line".utf8))
            let token = try #require(upload.json["upload"]?["token"]?.stringValue)
            let attachmentID = try #require(upload.json["upload"]?["attachment"]?["id"]?.intValue)

            let shown = try await t.send(.GET, "/api/v2/attachments/\(attachmentID).json", as: .token(t.agent))
            #expect(shown.status == .ok)
            let attachment = try #require(shown.json["attachment"])
            #expect(attachment["id"] == .int(attachmentID))
            #expect(attachment["file_name"] == "notes.txt")
            #expect(attachment["content_type"] == "text/plain")
            #expect(attachment["size"] == 10)
            #expect(attachment["content_url"]?.stringValue?.hasSuffix("/api/v2/attachments/\(attachmentID)/content") == true)

            // Deleting the upload takes back its token: it can no longer be attached, and a second delete finds nothing.
            #expect(try await t.send(.DELETE, "/api/v2/uploads/\(token)", as: .token(t.agent)).status == .noContent)
            try await t.send(.GET, "/api/v2/attachments/\(attachmentID)", as: .token(t.agent)).expectNotFound("deleted upload")
            try await t.send(.DELETE, "/api/v2/uploads/\(token)", as: .token(t.agent)).expectNotFound("deleted twice")
            let claim = try await t.send(.POST, "/api/v2/tickets", as: .token(t.agent), json: [
                "ticket": ["comment": ["body": "see file", "uploads": [.string(token)]], "requester_id": .int(t.endUser.id)],
            ])
            #expect(claim.status == .unprocessableEntity)

            // An upload already attached to a comment is no longer pending, so it cannot be deleted that way.
            let used = try await t.send(.POST, "/api/v2/uploads?filename=kept.txt", as: .token(t.agent),
                                        headers: headers, bytes: Data("kept".utf8))
            let usedToken = try #require(used.json["upload"]?["token"]?.stringValue)
            let usedID = try #require(used.json["upload"]?["attachment"]?["id"]?.intValue)
            _ = try await t.createTicket(extra: ["comment": ["body": "kept", "uploads": [.string(usedToken)]]])
            try await t.send(.DELETE, "/api/v2/uploads/\(usedToken)", as: .token(t.agent)).expectNotFound("attached upload")
            let content = try await t.send(.GET, "/api/v2/attachments/\(usedID)/content", as: .token(t.agent))
            #expect(String(buffer: content.body) == "kept")
        }
    }

    @Test func riskyTypesDownloadAsOctetStream() async throws {
        try await TestApp.with { t in
            var headers = HTTPHeaders()
            headers.contentType = .html
            let upload = try await t.send(.POST, "/api/v2/uploads?filename=page.html", as: .token(t.agent),
                                          headers: headers, bytes: Data("<script>alert(1)</script>".utf8))
            let token = try #require(upload.json["upload"]?["token"]?.stringValue)
            let ticket = try await t.createTicket(extra: ["comment": ["body": "html", "uploads": [.string(token)]]])
            let comments = try await t.send(.GET, "/api/v2/tickets/\(try ticket.int("id"))/comments", as: .token(t.agent))
            let attachmentID = try #require(comments.json["comments"]?[0]?["attachments"]?[0]?["id"]?.intValue)
            let content = try await t.send(.GET, "/api/v2/attachments/\(attachmentID)/content", as: .token(t.agent))
            #expect(content.headers.contentType?.description.hasPrefix("application/octet-stream") == true)
            #expect(content.headers.first(name: .contentDisposition)?.hasPrefix("attachment;") == true)
        }
    }

    @Test func uploadNeedsNameAndBytes() async throws {
        try await TestApp.with { t in
            let noName = try await t.send(.POST, "/api/v2/uploads", as: .token(t.agent), bytes: Data("x".utf8))
            #expect(noName.status == .badRequest)
            let empty = try await t.send(.POST, "/api/v2/uploads?filename=a.txt", as: .token(t.agent))
            #expect(empty.status == .badRequest)
        }
    }
}
