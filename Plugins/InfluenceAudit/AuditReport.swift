public import Foundation
internal import Postgres
public import SanadCore

/// The latest audit run and its findings, as the report shows them.
public struct AuditReport: Sendable, Encodable {
    public struct Run: Sendable, Encodable {
        public var startedAt: Date
        public var income: Decimal
        public var currency: String
        public var windowMonths: Int
        public var funderGroups: Int
        public var hhi: Decimal?
        public var gini: Decimal?
        /// The largest funder groups.
        public var topGroups: [TopGroup]
        /// Points of the Lorenz curve, (share of funder groups, share of income), both 0...1.
        public var lorenz: [LorenzPoint]
        /// The exchange rates the run converted gifts with.
        public var rates: [UsedRate]
        /// Gifts left out for want of a rate: when not empty, the figures are incomplete.
        public var unconverted: [UnconvertedGifts]

        enum CodingKeys: String, CodingKey {
            case startedAt = "started_at", income, currency, windowMonths = "window_months", funderGroups = "funder_groups",
                 hhi, gini, topGroups = "top_groups", lorenz, complete, rates, unconverted
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(startedAt, forKey: .startedAt)
            try container.encode(income, forKey: .income)
            try container.encode(currency, forKey: .currency)
            try container.encode(windowMonths, forKey: .windowMonths)
            try container.encode(funderGroups, forKey: .funderGroups)
            try container.encodeIfPresent(hhi, forKey: .hhi)
            try container.encodeIfPresent(gini, forKey: .gini)
            try container.encode(topGroups, forKey: .topGroups)
            try container.encode(lorenz, forKey: .lorenz)
            try container.encode(unconverted.isEmpty, forKey: .complete)
            try container.encode(rates, forKey: .rates)
            try container.encode(unconverted, forKey: .unconverted)
        }
    }

    /// One of the largest funder groups: its name, members, total and share (0...1).
    public struct TopGroup: Sendable, Codable {
        public var name: String
        public var members: Int
        public var total: Decimal
        public var share: Double
    }

    /// A point of the Lorenz curve, written as the pair `[x, y]`.
    public struct LorenzPoint: Sendable, Codable {
        public var x: Double
        public var y: Double

        public init(x: Double, y: Double) {
            self.x = x
            self.y = y
        }

        public init(from decoder: any Decoder) throws {
            var pair = try decoder.unkeyedContainer()
            x = try pair.decode(Double.self)
            y = try pair.decode(Double.self)
        }

        public func encode(to encoder: any Encoder) throws {
            var pair = encoder.unkeyedContainer()
            try pair.encode(x)
            try pair.encode(y)
        }
    }

    /// One exchange rate a run used, and for how many gifts.
    public struct UsedRate: Codable, Sendable {
        public var currency: String
        public var validOn: String
        public var rate: Decimal
        public var source: String?
        public var gifts: Int

        enum CodingKeys: String, CodingKey {
            case currency, validOn = "valid_on", rate, source, gifts
        }
    }

    public var association: Association
    public var run: Run
    public var findings: [AuditFinding]
    public var generatedAt: Date

    var language: FindingText.Language { FindingText.Language(code: association.language) }

    /// Reads the latest run; the report needs one.
    public static func load(_ transaction: AssociationTransaction) throws -> AuditReport {
        let rows = try transaction.query("""
            SELECT started_at, income, currency, window_months, funder_groups, hhi, gini, top_groups::text AS top_groups,
                   lorenz::text AS lorenz, rates::text AS rates, unconverted::text AS unconverted
            FROM audit_runs ORDER BY started_at DESC, id DESC LIMIT 1
            """)
        guard let row = rows.first else {
            throw SanadError.notFound("the influence audit has not run in this association yet",
                                      hint: "run it first", remedy: .plugin(id: "influence-audit", action: "run", subject: nil))
        }
        let groups = (try? JSONSerialization.jsonObject(with: Data(try row.decode("top_groups", as: String.self).utf8))) as? [[String: Any]] ?? []
        let points = (try? JSONSerialization.jsonObject(with: Data(try row.decode("lorenz", as: String.self).utf8))) as? [[Any]] ?? []
        let run = Run(
            startedAt: try row.decode("started_at"), income: try row.decode("income"), currency: try row.decode("currency"),
            windowMonths: try row.decode("window_months"), funderGroups: try row.decode("funder_groups"), hhi: try row.decode("hhi"),
            gini: try row.decode("gini"),
            topGroups: groups.map { group in
                TopGroup(name: group["name"] as? String ?? "?", members: FindingText.integer(group["members"]),
                         total: Decimal(string: "\(group["total"] ?? 0)") ?? 0, share: FindingText.double(group["share"]) ?? 0)
            },
            lorenz: points.compactMap { point in
                guard point.count == 2, let x = FindingText.double(point[0]), let y = FindingText.double(point[1]) else { return nil }
                return LorenzPoint(x: x, y: y)
            },
            rates: try JSONDecoder().decode([UsedRate].self, from: Data(try row.decode("rates", as: String.self).utf8)),
            unconverted: try JSONDecoder().decode([UnconvertedGifts].self, from: Data(try row.decode("unconverted", as: String.self).utf8)))
        return AuditReport(association: transaction.association, run: run, findings: try AuditStore(transaction).findings(),
                           generatedAt: Date())
    }

    /// Whole-number counts of findings per severity, most severe first.
    var counts: [(severity: String, count: Int)] {
        ["high", "warn", "notice"].map { severity in (severity, findings.filter { $0.severity == severity }.count) }
    }

    var effectiveFunders: Double? {
        guard let hhi = run.hhi, hhi > 0 else { return nil }
        return 10_000 / NSDecimalNumber(decimal: hhi).doubleValue
    }

    // MARK: Text and JSON

    public func text() -> String {
        let arabic = language == .arabic
        var lines: [String] = []
        lines.append(arabic ? "تدقيق مخاطر النفوذ — \(association.name)" : "Influence-risk audit — \(association.name)")
        lines.append(arabic
            ? "الدخل من التبرعات في آخر \(ArabicGrammar.count(run.windowMonths, .monthAfterLast)): \(FindingText.amount(run.income.doubleValue)) \(run.currency) من \(ArabicGrammar.count(run.funderGroups, .funderGroupAfterPreposition))"
            : "Donated income over the last \(run.windowMonths) months: \(FindingText.amount(run.income.doubleValue)) \(run.currency) from \(run.funderGroups) funder group(s)")
        if let hhi = run.hhi, let effective = effectiveFunders {
            lines.append(arabic
                ? "مؤشر التركّز: \(FindingText.amount(hhi.doubleValue)) (كأن التمويل من \(FindingText.amount(effective)) من الممولين المتساوين)"
                : "Concentration index (HHI): \(FindingText.amount(hhi.doubleValue)), as concentrated as \(FindingText.amount(effective)) equal funders")
        }
        if !run.rates.isEmpty {
            lines.append((arabic ? "أسعار الصرف المستعملة: " : "Exchange rates used: ") + run.rates.map { rate in
                "1 \(rate.currency) = \(rate.rate) \(run.currency) (\(arabic ? "من" : "from") \(rate.validOn)\(rate.source.map { ", \($0)" } ?? ""))"
            }.joined(separator: "; "))
        }
        if let warning = incompleteWarning { lines.append(warning) }
        lines.append(counts.map { "\(FindingText.severityName($0.severity, language)): \($0.count)" }.joined(separator: "  "))
        for finding in findings {
            lines.append("")
            lines.append("#\(finding.id) [\(FindingText.severityName(finding.severity, language))] \(FindingText.ruleTitle(finding.rule, language)) (\(FindingText.statusName(finding.status, language)))")
            lines.append("  " + finding.summary)
        }
        if findings.isEmpty { lines.append(arabic ? "لا توجد ملاحظات." : "No findings.") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Says the figures are incomplete and why, when gifts were left out for want of a rate.
    var incompleteWarning: String? {
        guard !run.unconverted.isEmpty else { return nil }
        let parts = run.unconverted.map { "\($0.gifts) × \($0.currency) (\(FindingText.amount($0.amount.doubleValue)) \($0.currency))" }
        return language == .arabic
            ? "تنبيه: الأرقام ناقصة. تُركت تبرعات لا سعر صرف لعملتها في يومها: \(parts.joined(separator: "، ")). أضف السعر بالأمر sanad currency rate set ثم أعد التدقيق."
            : "Warning: the figures are incomplete. Gifts with no exchange rate for their day were left out: \(parts.joined(separator: ", ")). Add the rates with sanad currency rate set, then run the audit again."
    }

    enum CodingKeys: String, CodingKey { case association, generatedAt = "generated_at", run, findings }

    /// The report for programs: the association's slug, the run, every finding with its evidence.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(association.slug, forKey: .association)
        try container.encode(generatedAt, forKey: .generatedAt)
        try container.encode(run, forKey: .run)
        try container.encode(findings.map(AuditFinding.WithEvidence.init), forKey: .findings)
    }
}

extension Decimal {
    var doubleValue: Double { NSDecimalNumber(decimal: self).doubleValue }
}
