import Crypto
import Foundation
import WhatsAppCloud

/// A media file held by the simulator: uploaded by the business, or sent by a simulated user.
public struct StoredMedia: Sendable {
    public var id: String
    public var data: Data
    public var mimeType: String
    public var fileName: String?
    public var sha256: String
    public var createdAt: Date

    public init(id: String, data: Data, mimeType: String, fileName: String?, createdAt: Date) {
        self.id = id
        self.data = data
        self.mimeType = mimeType
        self.fileName = fileName
        self.createdAt = createdAt
        self.sha256 = SHA256.hash(data: data).hexDigits
    }
}
