import ParleyCore
import Testing

extension TestApp.Reply {
    /// Zendesk's validation answer: 422 `{"error": "RecordInvalid", "description": …, "details": {field: [{description,
    /// error}]}}`, naming at least `fields`.
    func expectRecordInvalid(_ fields: [String], _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(status == .unprocessableEntity, "\(what): \(status) \(text)", sourceLocation: sourceLocation)
        #expect(json["error"] == "RecordInvalid", "\(what): \(text)", sourceLocation: sourceLocation)
        #expect(json["description"]?.stringValue != nil, "\(what): \(text)", sourceLocation: sourceLocation)
        for field in fields {
            let first = json["details"]?[field]?[0]
            #expect(first?["description"]?.stringValue != nil && first?["error"] == "InvalidValue",
                    "\(what): no detail for \(field) in \(text)", sourceLocation: sourceLocation)
        }
    }

    /// A request Parley could not read at all (empty or not JSON): 400 with an error name and description.
    func expectBadRequest(_ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(status == .badRequest, "\(what): \(status) \(text)", sourceLocation: sourceLocation)
        #expect(json["error"]?.stringValue != nil && json["description"]?.stringValue != nil,
                "\(what): \(text)", sourceLocation: sourceLocation)
    }

    /// Zendesk's answer for an id that does not exist.
    func expectNotFound(_ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(status == .notFound, "\(what): \(status)", sourceLocation: sourceLocation)
        #expect(json == ["error": "RecordNotFound", "description": "Not found"], "\(what): \(text)",
                sourceLocation: sourceLocation)
    }
}
