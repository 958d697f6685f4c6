import Fluent
import Foundation

extension KnownIntegrations {
    /// The integrations a webhook is for: by its numbers' ids, or, when it names none, by its business accounts'.
    func routing(phoneNumberIDs: Set<String>, wabaIDs: Set<String>, on db: any Database) async throws
        -> [WhatsAppIntegrationModel]
    {
        guard enabled else {
            return try await WhatsAppIntegrationModel.query(on: db).group(.or) { either in
                either.filter(\.$phoneNumberID ~~ Array(phoneNumberIDs))
                if phoneNumberIDs.isEmpty { either.filter(\.$wabaID ~~ Array(wabaIDs)) }
            }.allReadingRowsDirectly()
        }
        return try await kept(on: db) { all in
            let found = phoneNumberIDs.isEmpty ? all.filter { wabaIDs.contains($0.wabaID) }
                : all.filter { phoneNumberIDs.contains($0.phoneNumberID) }
            let complete = phoneNumberIDs.isEmpty ? !found.isEmpty : Set(found.map(\.phoneNumberID)) == phoneNumberIDs
            return (found, complete)
        }
    }

    /// The integrations with these ids (those that exist), such as the tickets of an answer are on.
    func withIDs(_ ids: Set<Int>, on db: any Database) async throws -> [WhatsAppIntegrationModel] {
        guard !ids.isEmpty else { return [] }
        guard enabled else { return try await WhatsAppIntegrationModel.query(on: db).filter(\.$id ~~ Array(ids)).allReadingRowsDirectly() }
        return try await kept(on: db) { all in
            let found = all.filter { $0.id.map(ids.contains) ?? false }
            return (found, found.count == ids.count)
        }
    }

    /// What `pick` takes from the kept integrations; read again when it says something it looked for is missing
    /// (a number connected since by a command, as the demo does).
    private func kept(
        on db: any Database, _ pick: ([WhatsAppIntegrationModel]) -> (found: [WhatsAppIntegrationModel], complete: Bool)
    ) async throws -> [WhatsAppIntegrationModel] {
        let load = { try await WhatsAppIntegrationModel.query(on: db).sort(\.$id).allReadingRowsDirectly() }
        let first = pick(try await value(load: load))
        return first.complete ? first.found : pick(try await reload(load)).found
    }
}
