import Foundation
import ParleyJSON
import WhatsAppCloud

extension Simulator {
    /// `POST /{phone-number-id}/media`: keeps the file and answers its media id.
    public func upload(phoneNumberID: String, token: String?, data: Data, mimeType: String, fileName: String?) throws -> String {
        try checkToken(token)
        try takeFault()
        guard number(phoneNumberID) != nil else { throw GraphFailure.unknownObject(phoneNumberID) }
        guard !data.isEmpty else { throw GraphFailure.invalidParameter("file is required") }
        guard !mimeType.isEmpty else { throw GraphFailure.invalidParameter("type is required") }
        // The reference's §5 table: Meta refuses other types, and files over the kind's limit, when uploaded.
        guard let kind = MediaKind(mimeType: mimeType) else {
            throw GraphFailure.invalidParameter(
                "Param file must be a file with one of the following types: \(MediaKind.allMIMETypes.joined(separator: ", ")). Received file of type '\(mimeType)'.")
        }
        let limit = kind.maxBytes(animated: kind == .sticker && MediaKind.isAnimatedWebP(data))
        guard data.count <= limit else {
            throw GraphFailure.invalidParameter(
                "file is \(data.count) bytes; \(kind.rawValue) files (\(MediaKind.essence(of: mimeType))) may be at most \(limit) bytes")
        }
        return store(data, mimeType: mimeType, fileName: fileName)
    }

    func store(_ data: Data, mimeType: String, fileName: String?) -> String {
        let id = String(UInt64.random(in: 1_000_000_000_000_000...9_999_999_999_999_999))
        media[id] = StoredMedia(id: id, data: data, mimeType: mimeType, fileName: fileName, createdAt: clock.now)
        return id
    }

    /// `GET /{media-id}`: metadata with a download URL that needs the access token.
    /// `baseURL` is where the caller reached the simulator, so the link works from wherever it asked.
    public func mediaInfo(id: String, token: String?, baseURL: String? = nil) throws -> MediaInfo {
        try checkToken(token)
        try takeFault()
        guard let item = media[id] else { throw GraphFailure.unknownObject(id) }
        return MediaInfo(url: "\(baseURL ?? configuration.publicBaseURL)/_media/\(id)", mimeType: item.mimeType,
                         sha256: item.sha256, fileSize: item.data.count, id: id)
    }

    public func mediaBytes(id: String, token: String?) throws -> StoredMedia {
        try checkToken(token)
        try takeFault()
        guard let item = media[id] else { throw GraphFailure.unknownObject(id) }
        return item
    }

    public func deleteMedia(id: String, token: String?) throws {
        try checkToken(token)
        guard media.removeValue(forKey: id) != nil else { throw GraphFailure.unknownObject(id) }
    }

    /// `GET /{waba-id}/message_templates`.
    public func listTemplates(wabaID: String, token: String?) throws -> [MessageTemplate] {
        try checkToken(token)
        try takeFault()
        guard let list = templates[wabaID] else { throw GraphFailure.unknownObject(wabaID) }
        return list
    }
}
