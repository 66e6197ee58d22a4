import Foundation
import Postgres
import SanadTestSupport
import Testing

/// Scenarios built through the CLI; each checks exactly which findings appear.
@Suite("Influence-risk audit: rules, funder groups, reviews", .timeLimit(.minutes(4)))
struct InfluenceAuditTests {
    @Test("a clean association produces no findings at all")
    func cleanAssociation() throws {
        let scenario = try AuditScenario("audit-clean")
        try scenario.background(30, amount: 300)
        // Ordinary purpose restrictions, in both languages, are what donors normally ask.
        let restricted = try scenario.contact("Scholarship donor")
        try scenario.give(restricted, 300, daysAgo: 40, ["--restricted", "--conditions", "Restricted to scholarships for girls"])
        let arabic = try scenario.contact("متبرع المنح")
        try scenario.give(arabic, 300, daysAgo: 41, ["--restricted", "--conditions", "مخصص للمنح الدراسية فقط"])
        // A trustee who gives, and declared an interest in the one decision that benefits them.
        let trustee = try scenario.contact("Nadia Trustee", ["--role", "board"])
        try scenario.give(trustee, 300, daysAgo: 50)
        try scenario.sanad.succeed(["audit", "decision", "add", AuditScenario.daysAgo(10), "Venue rental", "--beneficiary",
                                    String(trustee), "--declared", String(trustee)])
        let summary = try scenario.run()
        #expect(summary["findings"] as? Int == 0)
        #expect(summary["funder_groups"] as? Int == 33)
        #expect(try scenario.findings().isEmpty)
    }

    @Test("a funder group hidden across a spouse and a controlled company crosses the threshold only when grouped")
    func hiddenFunderGroup() throws {
        let scenario = try AuditScenario("audit-hidden")
        try scenario.background(20, amount: 1000)
        let husband = try scenario.contact("Karim Haddad", ["--role", "funder"])
        let wife = try scenario.contact("Layla Haddad", ["--role", "funder"])
        let company = try scenario.contact("Haddad Trading SARL", ["--kind", "organization"])
        try scenario.give(husband, 2500, daysAgo: 30)
        try scenario.give(wife, 2500, daysAgo: 31)
        try scenario.give(company, 2500, daysAgo: 32)
        // Each gives 2,500 of 27,500 (9.1%): below every threshold on their own.
        try scenario.run()
        #expect(try scenario.ruleSummary() == [])

        try scenario.relate(husband, "spouse", wife)
        try scenario.relate(husband, "controls", company)
        let first = try scenario.run()
        let group = [husband, wife, company].sorted().map(String.init).joined(separator: ",")
        #expect(try scenario.ruleSummary() == ["concentration@\(group)", "substantial_contributor@\(group)"])
        let concentration = try #require(try scenario.findings().first { $0["rule"] as? String == "concentration" })
        #expect(concentration["severity"] as? String == "warn", "7,500 of 27,500 is 27%: above 25%")
        let evidence = try scenario.evidence(concentration)
        #expect(evidence["total"] as? Int == 7500)
        #expect(evidence["share"] as? Double == 0.2727)
        #expect((evidence["members"] as? [[String: Any]])?.count == 3)
        #expect(first["new_findings"] as? Int == 2)

        // Running again updates the same findings instead of adding new ones.
        let again = try scenario.run()
        #expect(again["new_findings"] as? Int == 0)
        let rerun = try #require(try scenario.findings().first { $0["rule"] as? String == "concentration" })
        #expect(rerun["id"] as? Int == concentration["id"] as? Int)
        #expect(try scenario.connection.query("SELECT count(*) FROM audit_findings")[0].decode(Int.self, at: 0) == 2)

        // Once the ties are undone the findings are no longer present, but kept for the record.
        try scenario.sanad.succeed(["contact", "relate", String(husband), "controls", String(company), "--remove"])
        try scenario.sanad.succeed(["contact", "relate", String(husband), "spouse", String(wife), "--remove"])
        try scenario.run()
        #expect(try scenario.ruleSummary() == [])
        let gone = try scenario.findings(["--all"]).filter { $0["present"] as? Bool == false }
        #expect(Set(gone.compactMap { $0["rule"] as? String }) == ["concentration", "substantial_contributor"])
    }

    static let conditionTexts: [(category: String, text: String, phrase: String)] = [
        ("governance", "The donor requires a seat on the board", "seat on the board"),
        ("messaging", "All press releases must be approved by the donor", "press releases"),
        ("mobilization", "Please share your member list with us", "member list"),
        ("private_benefit", "The supplies contract goes to the donor's company", "donor's company"),
        ("pass_through", "Transfer half of the grant to a third party partner", "third party"),
        ("political", "Support our candidate in the municipal elections", "candidate"),
        ("governance", "بشرط تعيين ممثل عن المتبرع في مجلس الإدارة", "تعيين"),
        ("messaging", "يجب أن توافق الجهة المانحة على البيانات الصحفية", "البيانات الصحفية"),
        ("mobilization", "تسليم قائمة المؤيدين ودعوتهم إلى مسيرة", "قائمة المؤيدين"),
        ("private_benefit", "أن يذهب عقد التوريد إلى شركة المتبرع", "عقد التوريد"),
        ("pass_through", "تحويل نصف المبلغ إلى جمعية أخرى نيابة عن المتبرع", "نيابة عن"),
        ("political", "دعم مرشح الحزب في الانتخابات", "مرشح"),
    ]

    @Test("gift conditions and funders' notes of every category, in Arabic and English, each quoting what matched")
    func conditionsEveryCategory() throws {
        let scenario = try AuditScenario("audit-conditions")
        try scenario.background(40, amount: 1000)
        var expected: [String] = []
        var phrases: [Int: String] = [:]
        for (index, condition) in Self.conditionTexts.enumerated() {
            let funder = try scenario.contact("Conditional funder \(index)")
            try scenario.give(funder, 100, daysAgo: 15 + index, ["--restricted", "--conditions", condition.text])
            expected.append("conditions:\(condition.category)@\(funder)")
            phrases[funder] = condition.phrase
        }
        let purpose = try scenario.contact("Purpose funder")
        try scenario.give(purpose, 100, daysAgo: 5, ["--restricted", "--conditions", "Restricted to the winter programme"])
        // Notes from a meeting with a funder go through the same classifier.
        let noted = try scenario.contact("Noted funder")
        try scenario.give(noted, 100, daysAgo: 60)
        try scenario.sanad.succeed(["interaction", "log", String(noted), "meeting", "--at", AuditScenario.daysAgo(3),
                                    "--notes", "طلب منا دعوة المؤيدين إلى التصويت لصالح حزبه"])
        // The frames read mobilization here too (supporters called to vote), but the model,
        // which gives it 0.06, overrules them under its veto for the family (0.13): a miss
        // the plugin's README names, kept visible here rather than worked around.
        expected += ["notes:political@\(noted)"]
        // A phrase the association adds is used by the next run, even in a text the model calls
        // ordinary (an expectation such as "we expect … to continue" the model would read as a
        // demand of some family by itself).
        let custom = try scenario.contact("Committee funder")
        try scenario.give(custom, 100, daysAgo: 7, ["--conditions", "The blue tent arrangement, as discussed"])
        try scenario.run()
        let summary = try scenario.ruleSummary()
        #expect(summary == expected.sorted(), "\(Set(summary).symmetricDifference(expected))")

        for finding in try scenario.findings() where finding["rule"] as? String == "conditions" {
            let funder = (finding["group_contacts"] as! [Int])[0]
            guard let phrase = phrases[funder] else { continue }
            let gifts = try scenario.evidence(finding)["gifts"] as! [[String: Any]]
            // The words that carried the family, as the text wrote them.
            let matched = gifts.flatMap { $0["matched"] as? [String] ?? [] }
            #expect(phrase.split(separator: " ").allSatisfy { matched.contains(String($0)) }, "\(matched) quotes \(phrase)")
            #expect((finding["summary"] as! String).contains("«"))
        }
        try scenario.sanad.succeed(["audit", "lexicon", "add", "governance", "blue tent arrangement"])
        try scenario.run()
        #expect(try scenario.ruleSummary() == (expected + ["conditions:governance@\(custom)"]).sorted())
        let unknown = try scenario.sanad.run(["audit", "lexicon", "add", "bribery", "envelope"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("governance, messaging"))
    }

    @Test("a trustee in a funder group with an undeclared decision benefiting the group; declaring closes it")
    func trusteeConflict() throws {
        let scenario = try AuditScenario("audit-conflict")
        try scenario.background(30, amount: 1000)
        let trustee = try scenario.contact("Samir Trustee", ["--role", "board"])
        let spouse = try scenario.contact("Rana Trustee")
        let company = try scenario.contact("Rana Supplies", ["--kind", "organization"])
        try scenario.relate(trustee, "spouse", spouse)
        try scenario.relate(spouse, "controls", company)
        try scenario.give(company, 1000, daysAgo: 200)
        try scenario.give(company, 1000, daysAgo: 100)
        let undeclared = try scenario.sanad.succeed(["audit", "decision", "add", AuditScenario.daysAgo(20), "Supplies contract",
                                                     "--beneficiary", String(company), "--amount", "15000"])
        let declared = try scenario.sanad.succeed(["audit", "decision", "add", AuditScenario.daysAgo(10), "Second supplies contract",
                                                   "--beneficiary", String(company), "--declared", String(trustee)])
        #expect(undeclared.contains("decision 1") && declared.contains("decision 2"))
        try scenario.run()
        let group = [trustee, spouse, company].sorted().map(String.init).joined(separator: ",")
        #expect(try scenario.ruleSummary() == ["conflict_of_interest@\(group)"])
        let conflict = try scenario.findings()[0]
        #expect(conflict["severity"] as? String == "high")
        let evidence = try scenario.evidence(conflict)
        #expect((evidence["decision"] as? [String: Any])?["subject"] as? String == "Supplies contract")
        #expect((evidence["trustee"] as? [String: Any])?["id"] as? Int == trustee)

        try scenario.sanad.succeed(["audit", "decision", "declare", "1", String(trustee), "--recused"])
        try scenario.run()
        #expect(try scenario.ruleSummary() == [])
    }

    @Test("a large gift shortly before a decision benefiting the giver")
    func decisionAfterGift() throws {
        let scenario = try AuditScenario("audit-timing")
        try scenario.background(40, amount: 1000)
        let funder = try scenario.contact("Builder Co", ["--kind", "organization"])
        try scenario.give(funder, 12000, daysAgo: 40)
        try scenario.sanad.succeed(["audit", "decision", "add", AuditScenario.daysAgo(5), "Building works awarded",
                                    "--beneficiary", String(funder)])
        try scenario.sanad.succeed(["audit", "decision", "add", AuditScenario.daysAgo(200), "Earlier works",
                                    "--beneficiary", String(funder)])
        try scenario.run()
        #expect(try scenario.ruleSummary() == ["concentration@\(funder)", "decision_after_gift@\(funder)",
                                               "substantial_contributor@\(funder)"])
    }

    @Test("gifts from a politically exposed person's relative inside an election period; an approval closes the PEP flag")
    func politicallyExposedInElection() throws {
        let scenario = try AuditScenario("audit-pep", language: "ar")
        try scenario.background(40, amount: 1000)
        let minister = try scenario.contact("الوزير فادي", ["--pep", "--pep-note", "وزير سابق"])
        let brother = try scenario.contact("جاد فادي")
        try scenario.relate(brother, "family", minister)
        try scenario.give(brother, 300, daysAgo: 200)
        try scenario.give(brother, 400, daysAgo: 25)
        try scenario.give(brother, 500, daysAgo: 20)
        let partisan = try scenario.contact("Party friend")
        try scenario.give(partisan, 200, daysAgo: 22, ["--conditions", "Vote for our party list"])
        let anonymous = try scenario.contact("Anonymous giver")
        try scenario.give(anonymous, 2500, daysAgo: 18, ["--anonymous"])
        try scenario.sanad.succeed(["audit", "election", "add", "الانتخابات البلدية", "--announced", AuditScenario.daysAgo(30),
                                    "--polling", AuditScenario.daysAgo(15), "--region", "الشمال"])
        try scenario.run()
        let family = [minister, brother].sorted().map(String.init).joined(separator: ",")
        #expect(try scenario.ruleSummary() == [
            "anonymous_gift@\(anonymous)", "conditions:political@\(partisan)", "election_period_gift@\(family)",
            "election_period_gift@\(partisan)", "pep@\(family)",
        ])
        let election = try #require(try scenario.findings().first {
            $0["rule"] as? String == "election_period_gift" && ($0["group_contacts"] as? [Int])?.contains(brother) == true
        })
        #expect((try scenario.evidence(election)["gifts"] as? [[String: Any]])?.count == 2, "the gift before the period is left out")
        #expect((election["summary"] as! String).contains("الانتخابات البلدية"), "summaries follow the association's language")

        let missingNote = try scenario.sanad.run(["audit", "approve", String(brother), "--note", "  "])
        #expect(missingNote.status == 1)
        try scenario.sanad.succeed(["audit", "approve", String(brother), "--note", "Board approved after source-of-funds check"])
        try scenario.run()
        #expect(try !scenario.ruleSummary().contains("pep@\(family)"))
        #expect(try scenario.ruleSummary().contains("election_period_gift@\(family)"))
    }

    @Test("reviews need a reason, survive re-runs and are kept in the audit log; jobs, isolation and erasure")
    func reviewsJobsIsolationErasure() throws {
        let scenario = try AuditScenario("audit-review")
        try scenario.background(5, amount: 1000)
        let big = try scenario.contact("Big Funder")
        try scenario.give(big, 20000, daysAgo: 10)
        try scenario.sanad.succeed(["jobs", "add", "influence-audit.run"])
        let ran = try scenario.sanad.json(["jobs", "run-due", "--once"]) as! [[String: Any]]
        #expect(ran.first?["outcome"] as? String == "succeeded")
        let concentration = try #require(try scenario.findings().first { $0["rule"] as? String == "concentration" })
        #expect(concentration["severity"] as? String == "high")
        let id = String(concentration["id"] as! Int)

        let noReason = try scenario.sanad.run(["audit", "review", id, "--dismiss", "--reason", " "])
        #expect(noReason.status == 1)
        #expect(noReason.stderr.contains("reason"))
        let twoDecisions = try scenario.sanad.run(["audit", "review", id, "--dismiss", "--resolve", "--reason", "x"])
        #expect(twoDecisions.status != 0)
        try scenario.sanad.succeed(["audit", "review", id, "--acknowledge", "--reason", "Board discussed the dependency on 2 May"])
        try scenario.run()
        let reviewed = try #require(try scenario.findings(["--status", "acknowledged"]).first)
        #expect(reviewed["id"] as? Int == concentration["id"] as? Int)
        #expect(reviewed["status_reason"] as? String == "Board discussed the dependency on 2 May")
        let logged = try scenario.connection.query("""
            SELECT details ->> 'reason' FROM audit_log WHERE action = 'audit.review' AND entity_id = \(Int64(id)!)
            """)
        #expect(try logged.map { try $0.decode(String.self, at: 0) } == ["Board discussed the dependency on 2 May"])
        let badStatus = try scenario.sanad.run(["audit", "findings", "--status", "closed"])
        #expect(badStatus.status == 1)

        // Another association sees none of this one's findings, decisions or runs.
        try scenario.sanad.succeed(["association", "add", "other", "--name", "Other", "--country", "LB", "--currency", "USD",
                                    "--time-zone", "Asia/Beirut", "--language", "en"])
        try scenario.sanad.succeed(["plugin", "enable", "influence-audit", "--association", "other"])
        #expect(try (scenario.sanad.json(["audit", "findings", "--all", "--association", "other"]) as! [Any]).isEmpty)
        let noRun = try scenario.sanad.run(["audit", "report", "--association", "other"])
        #expect(noRun.status == 1)
        #expect(noRun.stderr.contains("sanad audit influence run"))

        // Erasing a funder removes every finding that names them.
        try scenario.sanad.succeed(["contact", "erase", String(big), "--yes"])
        #expect(try scenario.connection.query("SELECT count(*) FROM audit_findings WHERE \(Int64(big)) = ANY(group_contacts)")[0]
            .decode(Int.self, at: 0) == 0)
    }
}
