import Foundation
import SanadTestSupport
@testable import Segmentation
import Testing

/// Rule values that hide syntax behind prepend scalars and combining marks: the writer
/// quotes and escapes them per scalar, and the lexer reads them back per scalar.
@Suite("Segment rules: hostile values write and read back unchanged")
struct HostileRuleValueTests {
    static func storable(_ piece: String) -> Bool {
        !piece.unicodeScalars.contains {
            $0.properties.generalCategory == .control || $0.properties.generalCategory == .format || $0.properties.isWhitespace
        }
    }

    @Test("a value written by RuleWriter parses back to the same value")
    func valuesRoundTrip() throws {
        var random = HostileText(seed: 6)
        var failures: [String] = []
        for value in random.strings(800, allowed: Self.storable) where value.count <= 300 {
            var condition = RuleCondition(subject: "city")
            condition.measure = "is"
            condition.values = [value]
            let rule = Rule.condition(condition)
            let text = RuleWriter.text(of: rule)
            do {
                let again = try RuleParser.parse(text)
                if again != rule { failures.append("\(value.unicodeScalars.map { String($0.value, radix: 16) }) -> \(text)") }
            } catch {
                failures.append("\(value.unicodeScalars.map { String($0.value, radix: 16) }): \(error)")
            }
        }
        #expect(failures.isEmpty, "\(failures.prefix(10).joined(separator: "\n"))")
    }

    @Test("a quote hidden behind a mark or prepend scalar still ends the string", arguments: [
        ("city is \"\u{0D4E}\" or pep", 2), ("city is \"a\"\u{0301} or pep", 0), ("tag in (\"x\u{0600}\", y)", 1),
    ])
    func quoteEndsString(text: String, expectedAlternatives: Int) throws {
        if expectedAlternatives == 0 {
            #expect(throws: RuleError.self) { try RuleParser.parse(text) }
            return
        }
        let rule = try RuleParser.parse(text)
        switch rule {
        case .any(let alternatives): #expect(alternatives.count == expectedAlternatives)
        case .condition(let condition): #expect(condition.values?.count == 2 || expectedAlternatives == 1)
        default: Issue.record("unexpected tree \(rule)")
        }
    }

    @Test("values with controls, direction controls or over 300 characters are refused with a position", arguments: [
        "city is \"a\u{1B}[2Jb\"", "city is \"abc\u{202E}cba\"", "tag is \"x\u{07}\"", "city is \"" + String(repeating: "ط", count: 301) + "\"",
    ])
    func refusedValues(text: String) {
        do {
            _ = try RuleParser.parse(text)
            Issue.record("accepted \(text.unicodeScalars.count) scalars")
        } catch {
            #expect(error.column >= 1 && !error.message.isEmpty)
        }
    }
}
