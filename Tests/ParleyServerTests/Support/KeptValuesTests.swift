@testable import ParleyServer
import Testing

@Suite("Values kept per key")
struct KeptValuesTests {
    @Test func aValueIsMadeOncePerKeyAndKept() {
        let kept = KeptValues<String, Int>()
        var made: [String] = []
        let first = kept.value(for: "a") { made.append("a"); return 1 }
        let again = kept.value(for: "a") { made.append("a"); return 2 }
        let other = kept.value(for: "b") { made.append("b"); return 3 }
        #expect(first == 1)
        #expect(again == 1, "the first value stays")
        #expect(other == 3)
        #expect(made == ["a", "b"])
    }

    @Test func threadsAskingAtOnceAllGetAValueAndOneIsKept() async {
        let kept = KeptValues<Int, Int>()
        let answers = await withTaskGroup(of: Int.self) { group in
            for index in 0..<64 { group.addTask { kept.value(for: 7) { 100 + index } } }
            return await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(answers.count == 64)
        let final = kept.value(for: 7) { -1 }
        #expect((100..<164).contains(final))
        // Once a value is kept every later call sees it; a racing first call may have seen its own.
        #expect(answers.allSatisfy { (100..<164).contains($0) })
    }

    @Test func modelKeysAndLookUpStatementsAreKeptPerType() {
        #expect(UserModel.cachedKeys == UserModel.keys)
        #expect(TicketModel.cachedKeys == TicketModel.keys)
        let byEmail = UserModel.lookupStatement(matching: "email")
        #expect(byEmail == UserModel.lookupStatement(matching: "email"))
        #expect(byEmail.contains("\"email\" = ?"))
        #expect(byEmail != UserModel.lookupStatement(matching: "id"))
        #expect(byEmail != TicketModel.lookupStatement(matching: "email"))
    }
}
