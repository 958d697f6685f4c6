import Foundation
import ParleyCore
import WhatsAppCloud

/// One WhatsApp message of an outbound comment.
enum OutboundPart {
    case text(String)
    case file(AttachmentModel, caption: String?)
    case template(JSONValue)

    /// The Graph API request for this part; a file is uploaded to the media endpoint first.
    func message(to recipient: Recipient, graph: any GraphAPI, integration: WhatsAppIntegrationModel,
                 files: AttachmentStore) async throws -> OutboundMessage {
        switch self {
        case .text(let body):
            return .text(to: recipient, body: body)
        case .file(let attachment, let caption):
            let kind = OutboundFile.kind(contentType: attachment.contentType)?.name ?? "document"
            let data = try await files.load(attachment.sha256)
            let mediaID = try await graph.uploadMedia(data, mimeType: attachment.contentType, fileName: attachment.fileName,
                                                      phoneNumberID: integration.phoneNumberID, token: integration.accessToken)
            return .media(to: recipient, kind: kind, mediaID: mediaID, caption: caption,
                          filename: kind == "document" ? attachment.fileName : nil)
        case .template(let template):
            let parameters = template["parameters"]?.arrayValue?.compactMap(\.stringValue) ?? []
            let components: [JSONValue] = parameters.isEmpty ? [] : [[
                "type": "body", "parameters": .array(parameters.map { ["type": "text", "text": .string($0)] }),
            ]]
            return .template(to: recipient, name: template["name"]?.stringValue ?? "",
                             languageCode: template["language"]?.stringValue ?? "en_US", components: components)
        }
    }
}
