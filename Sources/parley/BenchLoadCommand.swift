import ArgumentParser
import Foundation
import ParleyBench

struct BenchLoadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-load",
        abstract: "The load generator `parley bench` runs as a separate process: sends a plan's requests, writes the result.",
        shouldDisplay: false)

    @Option(help: "The plan (JSON, written by parley bench).") var plan: String
    @Option(help: "Where to write the result (JSON).") var result: String

    func run() async throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: plan))
        let loadPlan = try JSONDecoder().decode(LoadPlan.self, from: data)
        let outcome = try await LoadGenerator.run(loadPlan)
        try JSONEncoder().encode(outcome).write(to: URL(fileURLWithPath: result))
    }
}
