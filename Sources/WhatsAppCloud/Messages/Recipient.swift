/// Whom a message goes to: the phone number when the business knows it, else the business-scoped user id.
public enum Recipient: Sendable, Equatable, Hashable {
    case phone(String)
    case bsuid(String)

    public var value: String {
        switch self {
        case .phone(let phone): phone
        case .bsuid(let id): id
        }
    }
}
