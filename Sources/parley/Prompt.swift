import Foundation

/// Terminal questions for interactive commands.
enum Prompt {
    static func line(_ question: String, default fallback: String = "") -> String {
        print(question, terminator: "")
        let answer = readLine()?.trimmingCharacters(in: .whitespaces) ?? ""
        return answer.isEmpty ? fallback : answer
    }

    static func secret(_ question: String) -> String {
        guard isatty(STDIN_FILENO) != 0 else { return line(question) }
        return String(cString: getpass(question))
    }
}
