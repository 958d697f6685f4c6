import Foundation
import ParleyCore
import Testing

@Suite("Tags, subjects and JSON")
struct TextRulesTests {
    @Test func tagsAreLowercasedSplitAndUnique() {
        #expect(TagList.normalize(["VIP", "vip", "two words", "a,b", " "]) == ["vip", "two", "words", "a", "b"])
        #expect(TagList.adding(["x", "A"], to: ["a"]) == ["a", "x"])
        #expect(TagList.removing(["A", "zz"], from: ["a", "b"]) == ["b"])
    }

    @Test func subjectsComeFromTheFirstLine() {
        #expect(SubjectLine.from("  Hello there \nmore") == "Hello there")
        let long = String(repeating: "word ", count: 40)
        let subject = SubjectLine.from(long)
        #expect(subject.count == SubjectLine.maxLength)
        #expect(subject.hasSuffix("…"))
        #expect(SubjectLine.from("") == "")
    }

    @Test func jsonRoundTripsAndReportsTypes() throws {
        let text = #"{"a":[1,2.5,"x",true,null,{"b":{}}],"c":-3}"#
        let value = try JSONValue.parse(Data(text.utf8))
        #expect(value["a"]?[0] == 1)
        #expect(value["a"]?[1] == 2.5)
        #expect(value["a"]?[3] == true)
        #expect(value["a"]?[4] == .null)
        #expect(value["c"]?.intValue == -3)
        #expect(try JSONValue.parse(value.encoded()) == value)
        #expect(value["a"]?.typeName == "array")
        #expect(throws: JSONParseError.self) { try JSONValue.parse(Data("{\"a\":".utf8)) }
        #expect(throws: JSONParseError.self) { try JSONValue.parse(Data()) }
    }
}
