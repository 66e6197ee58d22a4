@testable import InfluenceAudit
import SanadCore
import Testing

@Suite("Condition lexicon and finding text, without a database")
struct LexiconTests {
    @Test("the bundled frames name only known concepts and families, in Arabic and English")
    func bundledFrames() {
        let classifier = ConditionClassifier.builtIn
        #expect(classifier.problems == [])
        for family in ConditionClassifier.families {
            let frames = classifier.frames.filter { $0.family == family }
            #expect(!frames.isEmpty, "\(family) has a frame")
            let words = frames.flatMap(\.concepts).flatMap { classifier.concepts[$0] ?? [] }.map(\.text)
            #expect(words.contains { TextRules.containsRightToLeft($0) }, "\(family) has Arabic words")
            #expect(words.contains { !TextRules.containsRightToLeft($0) }, "\(family) has English words")
        }
        #expect(ConditionClassifier(definitions: "frame bribery = envelope\n").problems.count == 2)
    }

    @Test("a finding explains itself: the family and the text's own words that carried it")
    func explains() {
        let findings = ConditionClassifier.builtIn.classify("بدنا نراجع كل البوستات قبل ما تنزل، ويكون إلنا ممثل بمجلس الإدارة.")
        #expect(findings.map(\.family) == ["governance", "messaging"])
        #expect(findings.first { $0.family == "messaging" }?.words.contains("البوستات") == true)
        #expect(findings.first { $0.family == "governance" }?.words.contains("بمجلس") == true)
        #expect(ConditionClassifier.builtIn.classify("Restricted to school fees for girls in Akkar.").isEmpty)
        // The association's own phrase, on top of the frames.
        let own = ConditionClassifier.builtIn.classify("Use the Blue Tent caterers only", additions: [("private_benefit", "blue tent")])
        #expect(own == [ConditionClassifier.Finding(family: "private_benefit", words: ["Blue", "Tent"])])
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
