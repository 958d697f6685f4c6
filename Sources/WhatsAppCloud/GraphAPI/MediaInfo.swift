/// `GET /{media-id}`: where to download a media file (a short-lived URL that needs the access token) and its hash.
public struct MediaInfo: Codable, Sendable, Equatable {
    public var messagingProduct: String?
    public var url: String
    public var mimeType: String
    public var sha256: String
    public var fileSize: Int
    public var id: String

    enum CodingKeys: String, CodingKey {
        case url, sha256, id
        case messagingProduct = "messaging_product"
        case mimeType = "mime_type"
        case fileSize = "file_size"
    }

    public init(url: String, mimeType: String, sha256: String, fileSize: Int, id: String) {
        self.messagingProduct = "whatsapp"
        self.url = url
        self.mimeType = mimeType
        self.sha256 = sha256
        self.fileSize = fileSize
        self.id = id
    }
}
