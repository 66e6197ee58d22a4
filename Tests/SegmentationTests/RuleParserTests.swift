import Foundation
import Segmentation
import Testing

@Suite("The segment rule language")
struct RuleParserTests {
    @Test("rules parse and write back to the same tree", arguments: [
        "role is volunteer",
        "role is volunteer and city is طرابلس and attended 1+ events this year",
        "lybunt or (source is facebook and never acted)",
        "not (role in (member, board) or pep)",
        "gave at least 100 USD in the last 365 days and can email",
        "volunteered 10+ hours this year",
        "tag is \"حملة الشتاء\" and not suppressed",
        "attended 2+ events since 2026-01-01 campaign winter-2026",
        "last gave before 2025-01-01",
        "first gave in the last 90 days",
        "rfm score at least 13 in USD",
        "rfm monetary >= 4",
        "did meeting 3+ times between 2026-01-01 and 2026-06-30",
        "age at least 18 and language is ar and consent sms is granted",
        "created in the last 30 days or born before 1960-01-01",
        "suppressed as do-not-email",
        "in segment lybunt and country is lb",
        "city is \"quote \\\" and back\\\\slash\"",
        "gave at least 100 USD only in the last 90 days",
        "gave at least 100 only in EUR this year",
    ])
    func roundTrip(text: String) throws {
        let rule = try RuleParser.parse(text)
        let json = try JSONEncoder().encode(rule)
        let decoded = try JSONDecoder().decode(Rule.self, from: json)
        #expect(decoded == rule)
    }

    @Test("precedence: not binds tighter than and, and tighter than or")
    func precedence() throws {
        let rule = try RuleParser.parse("pep or not has email and role is funder")
        guard case .any(let alternatives) = rule, alternatives.count == 2, case .all(let both) = alternatives[1],
              case .not = both[0] else {
            Issue.record("unexpected tree \(rule)")
            return
        }
    }

    @Test("malformed rules point at line and column and say what was expected", arguments: [
        ("role is", 1, 8, "expected a role"),
        ("(role is volunteer", 1, 19, "expected ')'"),
        ("role is volunteer)", 1, 18, "has no matching '('"),
        ("rol is volunteer", 1, 1, "did you mean 'role'"),
        ("role is sponsor", 1, 9, "unknown role"),
        ("gave at least abc", 1, 15, "expected a number"),
        ("created since yesterday", 1, 15, "expected a date"),
        ("city is \"unclosed", 1, 9, "never closed"),
        ("city is Tripoli; DROP TABLE contacts", 1, 16, "unexpected character ';'"),
        ("role is volunteer and", 1, 22, "expected a condition"),
        ("role is volunteer\nand age at least", 2, 17, "expected a number"),
        ("country is XX", 1, 12, "not an ISO 3166"),
        ("attended 2+ hours", 1, 13, "only 'volunteered' counts hours"),
        ("gave at least 10 XYZ", 1, 18, "not an ISO 4217 currency"),
        ("", 1, 1, "empty"),
        ("city is Trip\u{202E}oli", 1, 13, "invisible"),
        ("in the last 3 days", 1, 4, "expected 'segment'"),
        ("did gift 2+ times", 1, 5, "unknown interaction type"),
        ("created in the last 0 days", 1, 21, "whole number from 1"),
        ("between 2026-01-01 and 2025-01-01", 1, 1, "expected a condition"),
    ])
    func errors(text: String, line: Int, column: Int, message: String) {
        do {
            _ = try RuleParser.parse(text)
            Issue.record("\(text) was accepted")
        } catch {
            #expect(error.line == line && error.column == column, "\(error)")
            #expect(error.message.contains(message), "\(error)")
            #expect(error.description.contains("^"))
        }
    }
}
