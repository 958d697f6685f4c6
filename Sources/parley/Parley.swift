import ArgumentParser

struct Parley: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parley",
        abstract: "Parley: an open-source helpdesk with a WhatsApp channel and a Zendesk-compatible API.",
        subcommands: [Serve.self, Demo.self, Migrate.self, CreateAdmin.self, SimulatorCommand.self, BackupCommand.self, RestoreCommand.self,
                      SeedCommand.self, BenchCommand.self, BenchLoadCommand.self],
        defaultSubcommand: Serve.self
    )
}
