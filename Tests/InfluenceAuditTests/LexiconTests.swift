@testable import InfluenceAudit
import SanadCore
import Testing

@Suite("Condition lexicon and finding text, without a database")
struct LexiconTests {
    @Test("every line of the bundled lexicon is read, in every category, in both languages")
    func bundledLexicon() {
        let text = String(decoding: PackageResources.conditions_txt, as: UTF8.self)
        #expect(ConditionLexicon.malformedLines(text) == [])
        for category in ConditionLexicon.categories {
            let phrases = ConditionLexicon.builtIn.filter { $0.category == category }.map(\.phrase)
            #expect(phrases.contains { TextRules.containsRightToLeft($0) }, "\(category) has Arabic phrases")
            #expect(phrases.contains { !TextRules.containsRightToLeft($0) }, "\(category) has English phrases")
        }
        #expect(ConditionLexicon.parse("bribery | envelope\ngovernance|veto\n# comment\n").map(\.phrase) == ["veto"])
    }

    @Test("figures in summaries: grouped thousands, cents only when present, percentages to one decimal")
    func figures() {
        #expect(FindingText.amount(1234567.5) == "1,234,567.50")
        #expect(FindingText.amount(1000) == "1,000")
        #expect(FindingText.amount(999) == "999")
        #expect(FindingText.amount(-2500.25) == "-2,500.25")
        #expect(FindingText.percent(0.2727) == "27.3%")
        #expect(FindingText.percent(nil) == "?")
        let arabic = FindingText.summary(rule: "concentration", group: "كريم", members: 3,
                                         evidence: ["share": 0.5, "total": 5000, "income": 10000, "currency": "USD", "window_months": 12],
                                         language: "ar")
        #expect(arabic.contains("50.0%") && arabic.contains("كريم") && arabic.contains("3 جهات"))
    }
}
