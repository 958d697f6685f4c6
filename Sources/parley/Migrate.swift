import ArgumentParser
import ParleyServer

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create or upgrade the database schema, then exit (serve does this on start too).")

    @OptionGroup var options: ServerOptions

    func run() async throws {
        try await ParleyRunner.withApplication(settings: options.settings()) { app in
            print("Database is up to date.")
        }
    }
}
