import Foundation
@testable import InfluenceAudit
import SanadTestSupport
import Testing

/// Generated Arabic agrees with what it speaks of: a woman or a feminine organization takes
/// the feminine, counted nouns take the form their number asks, and Arabic reports carry no
/// English words.
@Suite("Arabic agreement in findings and reports", .timeLimit(.minutes(3)))
struct ArabicAgreementTests {
    @Test("counted nouns: one, two, three to ten, eleven to ninety-nine, hundreds")
    func countedNouns() {
        let party = ArabicGrammar.Noun.party
        #expect(ArabicGrammar.count(1, party) == "جهة واحدة")
        #expect(ArabicGrammar.count(2, party) == "جهتان")
        #expect(ArabicGrammar.count(3, party) == "3 جهات")
        #expect(ArabicGrammar.count(10, party) == "10 جهات")
        #expect(ArabicGrammar.count(11, party) == "11 جهة")
        #expect(ArabicGrammar.count(100, party) == "100 جهة")
        #expect(ArabicGrammar.count(103, party) == "103 جهات")
        let month = ArabicGrammar.Noun.monthAfterLast
        #expect(ArabicGrammar.count(1, month) == "شهر")
        #expect(ArabicGrammar.count(2, month) == "شهرين")
        #expect(ArabicGrammar.count(6, month) == "6 أشهر")
        #expect(ArabicGrammar.count(12, month) == "12 شهراً")
        #expect(ArabicGrammar.count(NSNumber(value: 12.5), .point) == "12.5 نقطة")
        #expect(ArabicGrammar.count(NSNumber(value: 4.0), .point) == "4 نقاط")
    }

    @Test("a woman, a man, a feminine and a masculine organization")
    func genders() {
        #expect(ArabicGrammar.isFeminine(kind: "person", name: "ليلى حداد", gender: "female"))
        #expect(!ArabicGrammar.isFeminine(kind: "person", name: "ليلى حداد", gender: nil), "not recorded: the masculine, as Arabic does")
        #expect(!ArabicGrammar.isFeminine(kind: "person", name: "عمر", gender: "male"))
        #expect(ArabicGrammar.isFeminine(kind: "organization", name: "مؤسسة الأرز", gender: nil))
        #expect(ArabicGrammar.isFeminine(kind: "organization", name: "Cedar Holding", gender: nil))
        #expect(!ArabicGrammar.isFeminine(kind: "organization", name: "بنك عودة", gender: nil))
        #expect(!ArabicGrammar.isFeminine(kind: "organization", name: "الصندوق الوطني", gender: nil))
    }

    @Test("summaries agree with the funder: قدّمت and ومن يرتبط بها for a woman, قدّم and به for a man")
    func summariesAgree() {
        let evidence: [String: Any] = ["share": 0.42, "window_months": 12, "total": 4200, "income": 10000, "currency": "USD"]
        let woman = FindingText.summary(rule: "concentration", group: "ليلى حداد", members: 3, evidence: evidence,
                                        language: "ar", head: 7, feminine: [7: true])
        #expect(woman == "ليلى حداد ومن يرتبط بها (3 جهات) قدّمت 42.0% من التبرعات في آخر 12 شهراً (4,200 USD من 10,000).")
        let man = FindingText.summary(rule: "concentration", group: "عمر الأيوبي", members: 2, evidence: evidence,
                                      language: "ar", head: 8, feminine: [8: false])
        #expect(man == "عمر الأيوبي ومن يرتبط به (جهتان) قدّم 42.0% من التبرعات في آخر 12 شهراً (4,200 USD من 10,000).")
        let newFunder = FindingText.summary(rule: "new_funder", group: "مؤسسة الأرز", members: 1, evidence: ["share": 0.3],
                                            language: "ar", head: 9, feminine: [9: true])
        #expect(newFunder == "مؤسسة الأرز ممولة جديدة بلغت حصتها 30.0% من التبرعات.")
        let notes = FindingText.summary(rule: "notes", group: "بنك عودة", members: 1,
                                        evidence: ["category": "messaging", "notes": [["matched": ["بيان", "موافقة"]], ["matched": ["بيان"]]]],
                                        language: "ar", head: 10, feminine: [10: false])
        #expect(notes == "ملاحظتان عن بنك عودة تدخلان في باب التحكم في الخطاب: «بيان»، «موافقة».", "matched words once each")
        let decision = FindingText.summary(rule: "decision_after_gift", group: "ليلى حداد", members: 1,
                                           evidence: ["decision": ["subject": "عقد", "date": "2026-11-02"], "days": 5],
                                           language: "ar", head: 7, feminine: [7: true])
        #expect(decision == "قرار «عقد» (2026-11-02) يفيد ليلى حداد خلال 5 أيام من تبرع كبير منها.")
        let pep = FindingText.summary(rule: "pep", group: "ليلى حداد", members: 2,
                                      evidence: ["giver": ["id": 7, "name": "ليلى حداد"], "exposed": [["name": "الوزير فادي"]],
                                                 "total": 900, "currency": "USD"],
                                      language: "ar", head: 7, feminine: [7: true])
        #expect(pep == "ليلى حداد تبرعت بـ 900 USD دون موافقة مسجلة، وفي مجموعتها شخص معرّض سياسياً (الوزير فادي).")
    }

    @Test("through the audit: a woman recorded as such, an Arabic report without English status words")
    func throughTheAudit() throws {
        let scenario = try AuditScenario("audit-arabic-agreement", language: "ar")
        try scenario.background(10, amount: 100)
        let funder = try scenario.contact("ليلى حداد", ["--gender", "أنثى"])
        let sister = try scenario.contact("ريم حداد", ["--role", "متطوعة"])
        try scenario.relate(sister, "family", funder)
        try scenario.give(funder, 20000, daysAgo: 10, ["--conditions", "نشترط مقعدا في مجلس الإدارة لممثلنا"])
        try scenario.run()
        let concentration = try #require(try scenario.findings().first { $0["rule"] as? String == "concentration" })
        let summary = concentration["summary"] as! String
        #expect(summary.contains("ليلى حداد ومن يرتبط بها (جهتان) قدّمت"), "\(summary)")
        #expect(summary.contains("آخر 12 شهراً"))
        let score = "\(concentration["score"] ?? "")"
        #expect(score.split(separator: ".").last.map { $0.count <= 4 } == true, "scores are rounded: \(score)")
        let contact = try scenario.sanad.json(["contact", "show", String(sister)]) as! [String: Any]
        #expect(contact["gender"] as? String == "female", "a role written in the feminine says she is a woman")

        let text = try scenario.sanad.succeed(["audit", "report", "--format", "text"])
        #expect(text.contains("(مفتوحة)"), "\(text)")
        #expect(!text.contains("(open)"))
        #expect(text.contains("من 11 مجموعة ممولين"), "\(text)")
        let html = FileManager.default.temporaryDirectory.appendingPathComponent("arabic-\(UUID().uuidString).html").path
        try scenario.sanad.succeed(["audit", "report", "--format", "html", "--out", html])
        defer { try? FileManager.default.removeItem(atPath: html) }
        let page = try String(contentsOfFile: html, encoding: .utf8)
        #expect(page.contains("مفتوحة") && page.contains("الأطر") && page.contains("التدخل في الحوكمة"), "statuses, readers and families in Arabic")
        for english in [">open<", ">frames<", ">model<", ">governance<"] { #expect(!page.contains(english), "\(english) left in the Arabic report") }
    }
}
