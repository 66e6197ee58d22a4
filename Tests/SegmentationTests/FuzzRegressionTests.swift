import Foundation
@testable import Segmentation
import Testing

/// The fuzzer's seeds and every input it ever stopped on (Fuzz/regressions/rules), run
/// through the same property the fuzzer checks.
@Suite("Rule parser: fuzz seeds and regressions")
struct RuleFuzzRegressionTests {
    static let folders = ["Fuzz/seeds/rules", "Fuzz/regressions/rules"].map {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../\($0)").standardized.path
    }

    @Test("every kept input parses to a rule that reads back the same, or is refused with a positioned message")
    func keptInputs() throws {
        var inputs = 0
        for folder in Self.folders {
            for name in try FileManager.default.contentsOfDirectory(atPath: folder) where !name.hasPrefix(".") {
                let text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: folder + "/" + name)), as: UTF8.self)
                inputs += 1
                do {
                    let rule = try RuleParser.parse(text)
                    #expect(try RuleParser.parse(RuleWriter.text(of: rule)) == rule, "\(name)")
                } catch {
                    #expect(!error.message.isEmpty && error.line >= 1 && error.column >= 1, "\(name)")
                }
            }
        }
        #expect(inputs >= 17)
    }
}
