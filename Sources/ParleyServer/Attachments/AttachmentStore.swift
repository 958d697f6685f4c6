import Crypto
import Foundation
import WhatsAppCloud
import NIOPosix

/// Files on disk, addressed by the SHA-256 of their content (`ab/cd/abcd…`), so a file sent twice is stored once
/// and a stored name can never be steered by a user-supplied file name.
struct AttachmentStore: Sendable {
    let root: String
    let threadPool: NIOThreadPool

    static func sha256(_ data: Data) -> String {
        SHA256.hash(data: data).hexDigits
    }

    func path(for sha256: String) -> String {
        let a = sha256.prefix(2), b = sha256.dropFirst(2).prefix(2)
        return "\(root)/\(a)/\(b)/\(sha256)"
    }

    /// Writes the bytes (atomically, then synced by the rename) and returns their hash.
    func store(_ data: Data) async throws -> String {
        let hash = AttachmentStore.sha256(data)
        let target = path(for: hash)
        try await threadPool.runIfActive {
            let manager = FileManager.default
            guard !manager.fileExists(atPath: target) else { return }
            try manager.createDirectory(
                atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try data.write(to: URL(fileURLWithPath: target), options: .atomic)
        }
        return hash
    }

    func load(_ sha256: String) async throws -> Data {
        let target = path(for: sha256)
        return try await threadPool.runIfActive { try Data(contentsOf: URL(fileURLWithPath: target)) }
    }
}
