import ArgumentParser
import Foundation
import ParleyServer

struct SeedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed",
        abstract: "Fill the database with sample end users, tickets and conversations (for benchmarks and demos).",
        discussion: "Adds to what is there; stop `parley serve` first on SQLite. 1,000,000 tickets with 10 comments each "
            + "take a few minutes. Prints progress as it goes.")

    @OptionGroup var options: ServerOptions

    @Option(help: "How many tickets to add.") var tickets = 1_000
    @Option(help: "Comments per ticket (the first is the ticket's description).") var commentsPerTicket = 10

    func validate() throws {
        guard tickets > 0 else { throw ValidationError("--tickets must be at least 1") }
        guard commentsPerTicket >= 1 else { throw ValidationError("--comments-per-ticket must be at least 1") }
    }

    func run() async throws {
        let tickets = self.tickets
        let commentsPerTicket = self.commentsPerTicket
        try await ParleyRunner.withApplication(settings: options.settings()) { app in
            let started = Date()
            let step = max(1, tickets / 20)
            let counts = try await Seeder(db: app.db).seed(tickets: tickets, commentsPerTicket: commentsPerTicket) { counts in
                if counts.tickets % step < 500 || counts.tickets == tickets {
                    let seconds = Date().timeIntervalSince(started)
                    print(String(format: "  %d / %d tickets, %d comments, %d users (%.0f s)", counts.tickets, tickets,
                                 counts.comments, counts.users, seconds))
                }
            }
            print(String(format: "Seeded %d tickets, %d comments and %d end users in %.1f s.", counts.tickets, counts.comments,
                         counts.users, Date().timeIntervalSince(started)))
        }
    }
}
