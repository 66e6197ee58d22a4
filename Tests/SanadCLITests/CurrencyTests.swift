import Foundation
import Postgres
import SanadTestSupport
import Testing

/// An association in Tripoli that keeps its books in LBP while most gifts arrive in US
/// dollars, some in euros, over a year of moving rates, and one in pounds with no rate.
@Suite("Money in several currencies: rates, converted totals, nothing dropped in silence", .timeLimit(.minutes(3)))
struct CurrencyTests {
    let sanad: InProcessSanad
    let connection: Connection
    let folder: ScratchFolder
    var ids: [String: Int] = [:]

    /// A day `days` ago in Beirut.
    static func daysAgo(_ days: Int) -> String { LocalDays.daysAgo(days) }

    /// USD and EUR rates in LBP, each from a day on.
    static let usd: [(days: Int, rate: Decimal)] = [(400, 89_500), (200, 89_600), (60, 89_700)]
    static let eur: [(days: Int, rate: Decimal)] = [(400, 96_000), (100, 97_500)]

    static func rate(_ table: [(days: Int, rate: Decimal)], daysAgo days: Int) -> Decimal {
        table.filter { $0.days >= days }.min { $0.days < $1.days }!.rate
    }

    init() throws {
        let fixture = try TripoliFixture("currency", name: "جمعية طرابلس للإغاثة")
        let database = fixture.database
        sanad = fixture.sanad
        connection = try TestDatabase.connect(database)
        folder = try ScratchFolder("currency")
        for plugin in ["influence-audit", "segmentation"] { try sanad.succeed(["plugin", "enable", plugin]) }
        for (days, rate) in Self.usd { try sanad.succeed(["currency", "rate", "set", "USD", "\(rate)", "--on", Self.daysAgo(days), "--source", "market"]) }
        for (days, rate) in Self.eur { try sanad.succeed(["currency", "rate", "set", "EUR", "\(rate)", "--on", Self.daysAgo(days)]) }
        try sanad.succeed(["campaign", "add", "winter", "--title", "حملة الشتاء", "--start", Self.daysAgo(365), "--end", Self.daysAgo(-60),
                           "--goal-amount", "20000", "--goal-currency", "USD"])
        func add(_ key: String, _ name: String, _ extra: [String] = []) throws {
            ids[key] = (try sanad.json(["contact", "add", name, "--role", "funder"] + extra) as! [String: Any])["id"] as? Int
        }
        try add("usd", "Hassan Merhi")
        try add("lbp", "جمعية الخير", ["--kind", "organization"])
        try add("eur", "Claire Dubois")
        try add("pep", "Ziad Karam", ["--pep", "--pep-note", "Deputy minister"])
        try add("anonymous", "Anonymous donor")
        try add("gbp", "Oliver Grant")
        for index in 1...5 { try add("background\(index)", "Background donor \(index)") }
        for (days, amount, campaign) in [(300, 4000, false), (150, 3000, false), (30, 3000, true)] {
            try give("usd", amount, "USD", daysAgo: days, campaign: campaign)
        }
        try give("lbp", 45_000_000, nil, daysAgo: 100, campaign: true)
        try give("eur", 2000, "EUR", daysAgo: 50, campaign: true)
        try give("pep", 3000, "USD", daysAgo: 20)
        for index in 1...5 { try give("background\(index)", 5_000_000, "LBP", daysAgo: 40 + index) }
        try give("anonymous", 1500, "USD", daysAgo: 10, extra: ["--anonymous"])
        try give("anonymous", 500_000, "LBP", daysAgo: 12, extra: ["--anonymous"])
        try give("gbp", 250, "GBP", daysAgo: 15, campaign: true)
        try sanad.succeed(["interaction", "log", String(ids["pep"]!), "pledge", "--amount", "1000", "--currency", "USD",
                           "--campaign", "winter", "--at", Self.daysAgo(5) + " 12:00"])
    }

    func give(_ key: String, _ amount: Int, _ currency: String?, daysAgo days: Int, campaign: Bool = false, extra: [String] = []) throws {
        var arguments = ["interaction", "log", String(ids[key]!), "donation", "--amount", String(amount), "--at", Self.daysAgo(days) + " 12:00"]
        if let currency { arguments += ["--currency", currency] }
        if campaign { arguments += ["--campaign", "winter"] }
        try sanad.succeed(arguments + extra)
    }

    /// What each funder gave in LBP, every gift at the rate of its day.
    static var expectedTotals: [String: Decimal] {
        let usdGifts: [(Int, Decimal)] = [(300, 4000), (150, 3000), (30, 3000)]
        return [
            "usd": usdGifts.reduce(0) { $0 + $1.1 * rate(usd, daysAgo: $1.0) },
            "lbp": 45_000_000,
            "eur": 2000 * rate(eur, daysAgo: 50),
            // The PEP rule counts pledges too: a promised gift is influence as well.
            "pep": 3000 * rate(usd, daysAgo: 20) + 1000 * rate(usd, daysAgo: 5),
            "anonymous": 1500 * rate(usd, daysAgo: 10) + 500_000,
            "background": 5 * 5_000_000,
        ]
    }

    static func double(_ value: Any?) -> Double {
        (value as? NSNumber)?.doubleValue ?? Double("\(value ?? "")") ?? .nan
    }

    func findings() throws -> [[String: Any]] {
        try sanad.json(["audit", "findings"]) as! [[String: Any]]
    }

    func evidence(_ finding: [String: Any]) throws -> [String: Any] {
        (try sanad.json(["audit", "show", String(finding["id"] as! Int)]) as! [String: Any])["evidence"] as! [String: Any]
    }

    @Test("the audit converts every gift at its day's rate: the dollar funder's concentration shows, the PEP's total is not 0")
    func auditConverts() throws {
        let run = try sanad.run(["audit", "influence", "run", "--format", "json"])
        #expect(run.status == 0, "\(run.stderr)")
        let summary = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as! [String: Any]
        let totals = Self.expectedTotals
        let income = totals.values.reduce(0, +) - 1000 * Self.rate(Self.usd, daysAgo: 5)
        #expect(Self.double(summary["income"]) == NSDecimalNumber(decimal: income).doubleValue, "\(summary)")
        #expect(summary["currency"] as? String == "LBP")

        let all = try findings()
        let concentration = try #require(all.first { $0["rule"] as? String == "concentration" && ($0["group_contacts"] as? [Int])?.contains(ids["usd"]!) == true })
        #expect(concentration["severity"] as? String == "high", "57% of income: \(concentration)")
        let shown = try evidence(concentration)
        #expect(Self.double(shown["total"]) == NSDecimalNumber(decimal: totals["usd"]!).doubleValue)
        let share = NSDecimalNumber(decimal: totals["usd"]! / income).doubleValue
        #expect(abs(Self.double(shown["share"]) - share) < 0.0001)
        // The largest gifts show what was given and what it was worth.
        let gifts = try #require(shown["largest_gifts"] as? [[String: Any]])
        #expect(gifts.first?["currency"] as? String == "USD" && Self.double(gifts.first?["amount"]) == 4000)
        #expect(Self.double(gifts.first?["base_amount"]) == 4000 * 89_500)
        #expect(concentration["summary"] as? String ?? "" != "")

        let pep = try #require(all.first { $0["rule"] as? String == "pep" })
        #expect(Self.double(try evidence(pep)["total"]) == NSDecimalNumber(decimal: totals["pep"]!).doubleValue, "not 0 LBP")
        #expect(!all.contains { $0["rule"] as? String == "concentration" && ($0["group_contacts"] as? [Int])?.contains(ids["lbp"]!) == true
                                && $0["severity"] as? String == "high" }, "the 45M LBP gift (about $500) is no longer 100% of income")
    }

    @Test("a gift with no rate for its day is left out with a warning naming it, in the run, the report and the HTML")
    func missingRateWarns() throws {
        let run = try sanad.run(["audit", "influence", "run", "--format", "json"])
        let summary = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as! [String: Any]
        #expect(summary["complete"] as? Bool == false)
        let left = try #require((summary["unconverted"] as? [[String: Any]])?.first)
        #expect(left["currency"] as? String == "GBP" && left["gifts"] as? Int == 1 && Self.double(left["amount"]) == 250)
        #expect(run.stderr.contains("incomplete") && run.stderr.contains("1 gift in GBP (250 GBP)"), "\(run.stderr)")
        #expect(run.stderr.contains("sanad currency rate set GBP"))

        let text = try sanad.succeed(["audit", "report"])
        #expect(text.contains("GBP (250 GBP)"), "\(text)")
        #expect(text.contains("1 USD = 89700 LBP"), "the rates used are stated")
        try sanad.succeed(["audit", "report", "--format", "html", "--out", folder.path + "/audit.html"])
        let html = try String(contentsOfFile: folder.path + "/audit.html", encoding: .utf8)
        #expect(html.contains("id=\"incomplete\"") && html.contains("GBP (250 GBP)"))
        #expect(html.contains("<section id=\"rates\">") && html.contains("<td>USD</td><td>\(Self.daysAgo(60))</td><td>89700</td>"))
        #expect(html.contains("<td>EUR</td><td>\(Self.daysAgo(100))</td><td>97500</td>"))
        // The same income in the JSON report, the text report and the HTML.
        let report = try sanad.json(["audit", "report", "--format", "json"]) as! [String: Any]
        let runRecord = report["run"] as! [String: Any]
        #expect(Self.double(runRecord["income"]) == Self.double(summary["income"]))
        #expect(runRecord["complete"] as? Bool == false)
        // The income as people read it, grouped by thousands, in both reports.
        let income = Int(Self.double(summary["income"]))
        #expect(income == 1_565_050_000, "\(income)")
        #expect(text.contains("1,565,050,000 LBP") && html.contains("1,565,050,000 LBP"))

        try sanad.succeed(["currency", "rate", "set", "GBP", "113000", "--on", Self.daysAgo(30)])
        let again = try sanad.run(["audit", "influence", "run", "--format", "json"])
        #expect(!again.stderr.contains("incomplete"))
        #expect((try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as! [String: Any])["complete"] as? Bool == true)
    }

    @Test("thresholds carry a currency: $1,500 anonymous is a notice against 1000 USD, and a bare limit says it is in LBP")
    func thresholdsCarryCurrency() throws {
        try sanad.succeed(["audit", "influence", "run"])
        let bare = try findings().filter { $0["rule"] as? String == "anonymous_gift" }
        #expect(bare.count == 2, "against a bare 1000 (LBP), both anonymous gifts are flagged")
        #expect(try evidence(bare[0])["limit_as_set"] as? String == "1000 LBP (the association's currency)")

        try sanad.succeed(["plugin", "config", "influence-audit", "--set", "anonymous_gift_limit=1000 USD"])
        try sanad.succeed(["audit", "influence", "run"])
        let flagged = try findings().filter { $0["rule"] as? String == "anonymous_gift" }
        #expect(flagged.count == 1, "500,000 LBP (about $5.60) is under 1000 USD")
        #expect(flagged.first?["severity"] as? String == "notice", "$1,500 is 1.5 times the limit, not 10")
        #expect(try evidence(flagged[0])["limit_as_set"] as? String == "1000 USD")
        #expect((flagged.first?["summary"] as? String ?? "").contains("1,500 USD (134,550,000 LBP)"))

        try sanad.succeed(["plugin", "config", "influence-audit", "--set", "large_gift=10 JPY"])
        let noRate = try sanad.run(["audit", "influence", "run"])
        #expect(noRate.status == 1 && noRate.stderr.contains("no JPY rate") && noRate.stderr.contains("sanad currency rate set JPY"))
        let refused = try sanad.run(["plugin", "config", "influence-audit", "--set", "anonymous_gift_limit=1000 XYZ"])
        #expect(refused.status == 1 && refused.stderr.contains("anonymous_gift_limit"))
    }

    @Test("campaign progress is the converted sum of every gift, pledges beside it, and says what it left out")
    func campaignProgress() throws {
        let result = try sanad.run(["campaign", "progress", "winter", "--format", "json"])
        #expect(result.status == 0)
        let rows = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [[String: Any]]
        let raised = try #require(rows.first { $0["goal"] as? String == "amount raised" })
        // 3000 USD + 45M LBP and 2000 EUR, each through LBP at its day's rates.
        let expected = 3000.0 + 45_000_000 / 89_600.0 + 2000 * 97_500 / 89_700.0
        #expect(abs(Self.double(raised["measured"]) - expected) < 0.01, "\(raised)")
        #expect(raised["unit"] as? String == "USD")
        let pledged = try #require(rows.first { $0["goal"] as? String == "amount pledged" })
        #expect(Self.double(pledged["measured"]) == 1000)
        #expect(result.stderr.contains("1 gift in GBP (250 GBP)"), "\(result.stderr)")
    }

    @Test("a rule that sums gifts converts the other currencies, unless it says only")
    func segmentRulesConvert() throws {
        let rami = (try sanad.json(["contact", "add", "Rami Haddad"]) as! [String: Any])["id"] as! Int
        try sanad.succeed(["interaction", "log", String(rami), "donation", "--amount", "900000000", "--at", Self.daysAgo(10) + " 12:00"])
        func members(_ rule: String) throws -> (ids: Set<Int>, stderr: String) {
            let result = try sanad.run(["segment", "preview", "--rule", rule, "--format", "json"])
            #expect(result.status == 0, "\(result.stderr)")
            let preview = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
            return (Set((preview["sample"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int }), result.stderr)
        }
        let converted = try members("gave at least 10000 USD in the last 365 days")
        #expect(converted.ids == [ids["usd"]!, rami], "900M LBP is about $10,033")
        #expect(converted.stderr.contains("GBP"), "the pound gift it could not convert is named")
        #expect(try members("gave at least 10000 USD only in the last 365 days").ids == [ids["usd"]!])
        #expect(try members("gave at least 10000 only in USD in the last 365 days").ids == [ids["usd"]!])
        #expect(try members("gave at least 800000000 in the last 365 days").ids == [ids["usd"]!, rami], "in LBP by default")
        #expect(try sanad.run(["segment", "preview", "--rule", "gave at least 10 only"]).status == 1, "only needs a currency")
    }

    @Test("rates are listed, imported from CSV all or nothing, and read from the ECB's file through the euro")
    func rateFiles() throws {
        let listed = try sanad.json(["currency", "rates", "--currency", "USD"]) as! [[String: Any]]
        #expect(listed.map { Self.double($0["rate"]) } == [89_500, 89_600, 89_700])
        #expect(listed.first?["source"] as? String == "market" && listed.first?["in"] as? String == "LBP")

        let bad = folder.path + "/bad.csv"
        try Data("date,currency,rate\n2026-01-01,JOD,126000\n2026-01-02,XX,5\n2026-01-03,SAR,-1\n".utf8).write(to: URL(fileURLWithPath: bad))
        let refused = try sanad.run(["currency", "import", bad])
        #expect(refused.status == 1 && refused.stderr.contains("line 3") && refused.stderr.contains("line 4"), "\(refused.stderr)")
        #expect((try sanad.json(["currency", "rates", "--currency", "JOD"]) as! [[String: Any]]).isEmpty, "nothing imported")

        let good = folder.path + "/rates.csv"
        try Data("التاريخ,العملة,السعر\n2026-01-01,JOD,126000\n٢٠٢٦-٠٢-٠١,JOD,١٢٦٥٠٠\n".utf8).write(to: URL(fileURLWithPath: good))
        #expect(try sanad.succeed(["currency", "import", good]).contains("Read 2 rate(s)"))
        #expect((try sanad.json(["currency", "rates", "--currency", "JOD"]) as! [[String: Any]]).count == 2)

        let ecb = folder.path + "/eurofxref-hist.csv"
        try Data("Date,USD,JPY,GBP,\n2026-11-27,1.0500,160.00,0.8400,\n2026-11-26,1.0400,N/A,0.8300,\n".utf8).write(to: URL(fileURLWithPath: ecb))
        let lbp = try sanad.run(["currency", "import", ecb, "--ecb"])
        #expect(lbp.status == 1 && lbp.stderr.contains("the ECB publishes no LBP rate"))
        try sanad.succeed(["association", "add", "london", "--name", "London Aid", "--country", "GB", "--currency", "GBP",
                           "--time-zone", "Europe/London", "--language", "en"])
        #expect(try sanad.succeed(["currency", "import", ecb, "--ecb", "-a", "london"]).contains("Read 5 rate(s)"))
        let london = try sanad.json(["currency", "rates", "-a", "london"]) as! [[String: Any]]
        let usd = try #require(london.first { $0["currency"] as? String == "USD" && $0["valid_on"] as? String == "2026-11-27" })
        #expect(abs(Self.double(usd["rate"]) - 0.84 / 1.05) < 1e-9, "pounds per dollar through the euro")
        let euro = try #require(london.first { $0["currency"] as? String == "EUR" && $0["valid_on"] as? String == "2026-11-26" })
        #expect(Self.double(euro["rate"]) == 0.83)
        #expect(!london.contains { $0["currency"] as? String == "JPY" && $0["valid_on"] as? String == "2026-11-26" }, "N/A is no rate")
        #expect(try sanad.run(["currency", "rate", "set", "LBP", "1"]).stderr.contains("own currency"))
    }

    @Test("an amount without --currency is recorded in the association's currency, and the confirmation says so")
    func amountConfirmation() throws {
        let result = try sanad.run(["interaction", "log", String(ids["lbp"]!), "donation", "--amount", "250000"])
        #expect(result.status == 0)
        #expect(result.stderr.contains("recorded in LBP, the association's currency"))
        let dollars = try sanad.run(["interaction", "log", String(ids["usd"]!), "donation", "--amount", "25", "--currency", "USD"])
        #expect(!dollars.stderr.contains("recorded in"))
    }
}
