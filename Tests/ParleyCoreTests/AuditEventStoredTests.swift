import ParleyCore
import Testing

@Suite("Audit events as stored")
struct AuditEventStoredTests {
    @Test("every kind of event reads back as it was written")
    func roundTrip() {
        let events: [AuditEvent] = [
            .create("subject", "Where is my order?"),
            .change("status", from: "new", to: "open"),
            .change("assignee_id", from: .null, to: 7),
            .comment(isPublic: true),
            AuditEvent(type: .deliveryFailure, data: ["reason": "outside the 24-hour window", "code": 131047]),
            AuditEvent(type: .channelEvent, fieldName: "comment_body", value: "new text", previousValue: "old text",
                       data: ["event": "edit", "nested": ["list": [1, 2.5, true, .null]]]),
        ]
        let text = AuditEvent.storedText(events)
        // A value or previous value of null reads back as none, as the Codable form did.
        var expected = events
        expected[2].previousValue = nil
        #expect(AuditEvent.events(storedText: text) == expected)
        #expect(AuditEvent.events(storedText: AuditEvent.storedText([])) == [])
    }

    @Test("audits written by earlier versions (JSONEncoder, camel-case keys) still read")
    func earlierForm() {
        let text = #"[{"type":"Change","fieldName":"status","value":"open","previousValue":"new","data":{}},"#
            + #"{"type":"Comment","data":{"public":false,"comment_id":12}},{"type":"Redaction","data":{"count":2}}]"#
        #expect(AuditEvent.events(storedText: text) == [
            .change("status", from: "new", to: "open"),
            AuditEvent(type: .comment, data: ["public": false, "comment_id": 12]),
            AuditEvent(type: .redaction, data: ["count": 2]),
        ])
    }

    @Test("what is not a list of events reads as none, and an unknown event type is left out")
    func damaged() {
        #expect(AuditEvent.events(storedText: "") == [])
        #expect(AuditEvent.events(storedText: "{}") == [])
        #expect(AuditEvent.events(storedText: "[1, \"x\"]") == [])
        #expect(AuditEvent.events(storedText: #"[{"type":"Teleport","data":{}},{"type":"Create","fieldName":"status","value":"new"}]"#)
            == [.create("status", "new")])
    }
}
