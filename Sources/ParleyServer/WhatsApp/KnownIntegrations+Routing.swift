import Fluent
import Foundation

extension KnownIntegrations {
    /// The integrations a webhook is for: by its numbers' ids, or, when it names none, by its business accounts'.
    /// A number not among those kept (created since by a command) is looked for again.
    func routing(phoneNumberIDs: Set<String>, wabaIDs: Set<String>, on db: any Database) async throws
        -> [WhatsAppIntegrationModel]
    {
        guard enabled else {
            return try await WhatsAppIntegrationModel.query(on: db).group(.or) { either in
                either.filter(\.$phoneNumberID ~~ Array(phoneNumberIDs))
                if phoneNumberIDs.isEmpty { either.filter(\.$wabaID ~~ Array(wabaIDs)) }
            }.allReadingRowsDirectly()
        }
        let load = { try await WhatsAppIntegrationModel.query(on: db).sort(\.$id).allReadingRowsDirectly() }
        let matches = { (all: [WhatsAppIntegrationModel]) in
            phoneNumberIDs.isEmpty ? all.filter { wabaIDs.contains($0.wabaID) } : all.filter { phoneNumberIDs.contains($0.phoneNumberID) }
        }
        let found = matches(try await value(load: load))
        let complete = phoneNumberIDs.isEmpty ? !found.isEmpty : Set(found.map(\.phoneNumberID)) == phoneNumberIDs
        return complete ? found : matches(try await reload(load))
    }
}
