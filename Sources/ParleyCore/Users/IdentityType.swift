/// Ways to recognise a person. WhatsApp users are known by their business-scoped user id (BSUID);
/// phone number and username are optional attributes that may appear later.
public enum IdentityType: String, Sendable, Codable, CaseIterable {
    case email
    case phoneNumber = "phone_number"
    case whatsappBSUID = "whatsapp_bsuid"
    case whatsappUsername = "whatsapp_username"
}
