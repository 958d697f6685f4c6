import Fluent
@testable import ParleyServer
import Testing

/// The models list their properties by hand (Fluent's reflection is its costliest step): a field declared but
/// left out of the list would silently never be saved or read. Each list must match the declarations.
@Suite("Model property lists")
struct ModelPropertiesTests {
    static let models: [any Model.Type] = [
        APITokenModel.self, AttachmentModel.self, AuditModel.self, CommentModel.self, GroupModel.self,
        InboundMessageModel.self, NotificationModel.self, OutboundMessageIDModel.self, OutboxModel.self, RuleModel.self,
        SchedulerLeaseModel.self, SettingModel.self, TicketModel.self, UserIdentityModel.self, UserModel.self,
        WebhookRecordModel.self, WebhookTargetModel.self, WhatsAppIntegrationModel.self, WhatsAppTemplateModel.self,
    ]

    static func keys(_ properties: [Any]) -> [String] {
        properties.compactMap { $0 as? any AnyDatabaseProperty }.flatMap(\.keys).map(\.description)
    }

    @Test(arguments: models.map { String(describing: $0) })
    func listedPropertiesAreTheDeclaredOnes(_ name: String) throws {
        let type = try #require(Self.models.first { String(describing: $0) == name })
        let model = type.init()
        let declared = Self.keys(Mirror(reflecting: model).children.map(\.value))
        #expect(!declared.isEmpty)
        #expect(Self.keys(model.properties) == declared)
    }

    @Test func everyModelOfTheModuleIsChecked() {
        // The migrations create one table per model; a new model must join the list above.
        #expect(Set(Self.models.map { $0.schema }).count == Self.models.count)
        #expect(Self.models.count == 19)
    }
}
