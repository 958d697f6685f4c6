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
            return .template(to: recipient, name: template["name"]?.stringValue ?? "",
                             languageCode: template["language"]?.stringValue ?? "en_US", components: Self.components(of: template))
        }
    }

    /// The body parameters of a stored template choice; named ones carry their `parameter_name`.
    static func components(of template: JSONValue) -> [JSONValue] {
        let parameters = template["parameters"]?.arrayValue?.compactMap(\.stringValue) ?? []
        let names = template["parameter_names"]?.arrayValue?.compactMap(\.stringValue) ?? []
        let values: [JSONValue] = parameters.enumerated().map { index, value in
            var parameter: [String: JSONValue] = ["type": "text", "text": .string(value)]
            if index < names.count { parameter["parameter_name"] = .string(names[index]) }
            return .object(parameter)
        }
        return parameters.isEmpty ? [] : [["type": "body", "parameters": .array(values)]]
    }
}
