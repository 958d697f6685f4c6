/// Meta's answer to a send: `{"messaging_product", "contacts": [{"input", "wa_id" | "user_id"}], "messages": [{"id"}]}`.
public struct SendResponse: Codable, Sendable, Equatable {
    public struct Contact: Codable, Sendable, Equatable {
        public var input: String
        public var waID: String?
        public var userID: String?
        enum CodingKeys: String, CodingKey {
            case input
            case waID = "wa_id"
            case userID = "user_id"
        }
        public init(input: String, waID: String?, userID: String?) {
            self.input = input
            self.waID = waID
            self.userID = userID
        }
    }

    public struct Message: Codable, Sendable, Equatable {
        public var id: String
        public var messageStatus: String?
        enum CodingKeys: String, CodingKey {
            case id
            case messageStatus = "message_status"
        }
        public init(id: String, messageStatus: String?) {
            self.id = id
            self.messageStatus = messageStatus
        }
    }

    public var messagingProduct: String
    public var contacts: [Contact]
    public var messages: [Message]

    enum CodingKeys: String, CodingKey {
        case contacts, messages
        case messagingProduct = "messaging_product"
    }

    public init(contacts: [Contact], messages: [Message]) {
        self.messagingProduct = "whatsapp"
        self.contacts = contacts
        self.messages = messages
    }

    public var messageID: String? { messages.first?.id }
}
