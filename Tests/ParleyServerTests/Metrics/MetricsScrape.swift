import Foundation
import Testing

/// One reading of `/metrics`, parsed from Prometheus' text format: each sample by metric name and labels, and
/// the `# TYPE` lines, so a test can compare two readings and check that the text is well formed.
struct MetricsScrape {
    struct Sample: Hashable {
        let name: String
        let labels: [String: String]
    }

    let text: String
    private(set) var samples: [Sample: Double] = [:]
    private(set) var types: [String: [String]] = [:]
    /// Lines that are neither a comment nor a `name{labels} value` sample.
    private(set) var malformed: [String] = []

    init(_ text: String) {
        self.text = text
        for line in text.split(separator: "\n").map(String.init) where !line.isEmpty {
            if line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ")
                if parts.count == 4 { types[String(parts[2]), default: []].append(String(parts[3])) } else { malformed.append(line) }
                continue
            }
            if line.hasPrefix("#") { continue }
            guard let sample = Self.parse(line) else {
                malformed.append(line)
                continue
            }
            samples[sample.0] = sample.1
        }
    }

    /// The sample's value; nil when the scrape has no such series.
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? { samples[Sample(name: name, labels: labels)] }

    /// Every series of `name`, with their labels.
    func series(_ name: String) -> [[String: String]: Double] {
        Dictionary(uniqueKeysWithValues: samples.filter { $0.key.name == name }.map { ($0.key.labels, $0.value) })
    }

    /// `name{a="b",c="d"} 1.5`; label values may hold escaped quotes and backslashes.
    private static func parse(_ line: String) -> (Sample, Double)? {
        guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { return nil }
        let series = line[..<space]
        guard let brace = series.firstIndex(of: "{") else {
            return isName(series) ? (Sample(name: String(series), labels: [:]), value) : nil
        }
        let name = series[..<brace]
        guard isName(name), series.hasSuffix("}") else { return nil }
        var labels: [String: String] = [:]
        var rest = series[series.index(after: brace)..<series.index(before: series.endIndex)]
        while !rest.isEmpty {
            guard let equals = rest.firstIndex(of: "="), rest[rest.index(after: equals)...].first == "\"" else { return nil }
            let key = String(rest[..<equals])
            var index = rest.index(equals, offsetBy: 2)
            var value = ""
            while index < rest.endIndex, rest[index] != "\"" {
                if rest[index] == "\\", rest.index(after: index) < rest.endIndex { index = rest.index(after: index) }
                value.append(rest[index])
                index = rest.index(after: index)
            }
            guard index < rest.endIndex, isName(Substring(key)) else { return nil }
            labels[key] = value
            rest = rest[rest.index(after: index)...]
            if rest.first == "," { rest = rest.dropFirst() }
        }
        return (Sample(name: String(name), labels: labels), value)
    }

    private static func isName(_ name: Substring) -> Bool {
        guard let first = name.first, first.isLetter || first == "_" || first == ":" else { return false }
        return name.allSatisfy { ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "_" || $0 == ":" }
    }
}
