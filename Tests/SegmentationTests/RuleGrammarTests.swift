import Foundation
@testable import Segmentation
import Testing

@Suite("sanad segment rules")
struct RuleGrammarTests {
    @Test("the printed grammar's examples are rules that parse")
    func examplesParse() throws {
        let examples = RuleGrammar.text.components(separatedBy: "Examples:\n").last!.split(separator: "\n")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        #expect(examples.count == 4)
        for example in examples { _ = try RuleParser.parse(example) }
        #expect(RuleGrammar.text.contains("condition   = field"))
    }
}
