import ArgumentParser
import Foundation
import ParleyServer

struct CreateAdmin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create-admin",
        abstract: "Create an admin (or make an existing user admin and set their password).",
        discussion: "Asks for what is not given; the password is read without echo, or from PARLEY_ADMIN_PASSWORD.")

    @OptionGroup var options: ServerOptions

    @Option(help: "The admin's email.") var email: String?
    @Option(help: "The admin's name.") var name: String?

    func run() async throws {
        let email = self.email ?? Prompt.line("Email: ")
        let name = self.name ?? Prompt.line("Name [Admin]: ", default: "Admin")
        let password = ProcessInfo.processInfo.environment["PARLEY_ADMIN_PASSWORD"] ?? Prompt.secret("Password: ")
        guard !email.isEmpty, password.count >= 8 else {
            throw ValidationError("An email and a password of at least 8 characters are required.")
        }
        try await ParleyRunner.withApplication(settings: options.settings()) { app in
            let id = try await ParleyRunner.createAdmin(app: app, name: name, email: email, password: password)
            print("Admin \(email) is ready (user id \(id)).")
        }
    }
}
