@testable import ParleyServer
import Testing

@Suite("Lanes of a group commit")
struct CommitLanesTests {
    @Test func differentPeopleRunSideBySideTheSamePersonInOrder() {
        #expect(CommitLanes.split([["a"], ["b"], ["a"], ["c"], ["b", "x"]]) == [[0, 2], [1, 4], [3]])
        #expect(CommitLanes.split([["a"]]) == [[0]])
        #expect(CommitLanes.split([]) == [])
    }

    @Test func aJobMeetingTwoLanesJoinsThemInOrder() {
        // 3 meets the lanes of 0 and 1: everything of both runs before it, in submission order.
        #expect(CommitLanes.split([["a"], ["b"], ["c"], ["a", "b"], ["b"]]) == [[0, 1, 3, 4], [2]])
        #expect(CommitLanes.split([["a"], ["b"], ["c"], ["c", "a", "b"]]) == [[0, 1, 2, 3]])
    }

    @Test func aJobWithoutKeysPutsTheBatchInOneLane() {
        #expect(CommitLanes.split([["a"], nil, ["b"]]) == [[0, 1, 2]])
        #expect(CommitLanes.split([["a"], [], ["b"]]) == [[0], [1], [2]], "no keys at all: touches nobody's records")
    }

    @Test func everyJobInExactlyOneLaneAcrossRandomBatches() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let keys: [Set<String>?] = (0..<Int.random(in: 1...20, using: &generator)).map { _ in
                Set((0..<Int.random(in: 1...3, using: &generator)).map { _ in "k\(Int.random(in: 0..<8, using: &generator))" })
            }
            let lanes = CommitLanes.split(keys)
            #expect(lanes.flatMap { $0 }.sorted() == Array(keys.indices))
            #expect(lanes.allSatisfy { $0 == $0.sorted() }, "submission order within a lane")
            for (i, lane) in lanes.enumerated() {
                for other in lanes[(i + 1)...] {
                    let mine = lane.reduce(into: Set<String>()) { $0.formUnion(keys[$1]!) }
                    let theirs = other.reduce(into: Set<String>()) { $0.formUnion(keys[$1]!) }
                    #expect(mine.isDisjoint(with: theirs), "two lanes never share a key")
                }
            }
        }
    }
}
