public import Foundation
internal import Postgres
public import SanadCore

/// The latest audit run and its findings, as the report shows them.
public struct AuditReport: Sendable {
    public struct Run: Sendable {
        public var startedAt: Date
        public var income: Decimal
        public var currency: String
        public var windowMonths: Int
        public var funderGroups: Int
        public var hhi: Decimal?
        public var gini: Decimal?
        /// The largest funder groups: name, members, total, share (0...1).
        public var topGroups: [(name: String, members: Int, total: Decimal, share: Double)]
        /// Points of the Lorenz curve, (share of funder groups, share of income), both 0...1.
        public var lorenz: [(x: Double, y: Double)]
    }

    public var association: Association
    public var run: Run
    public var findings: [AuditFinding]
    public var generatedAt: Date

    var language: FindingText.Language { FindingText.Language(code: association.language) }

    /// Reads the latest run; the report needs one.
    public static func load(_ transaction: AssociationTransaction) throws -> AuditReport {
        let rows = try transaction.query("""
            SELECT started_at, income, currency, window_months, funder_groups, hhi, gini, top_groups::text, lorenz::text
            FROM audit_runs ORDER BY started_at DESC, id DESC LIMIT 1
            """)
        guard let row = rows.first else {
            throw SanadError.notFound("the influence audit has not run in this association yet",
                                      hint: "run it first: sanad audit influence run")
        }
        let groups = (try? JSONSerialization.jsonObject(with: Data(try row.decode(String.self, at: 7).utf8))) as? [[String: Any]] ?? []
        let points = (try? JSONSerialization.jsonObject(with: Data(try row.decode(String.self, at: 8).utf8))) as? [[Any]] ?? []
        let run = Run(
            startedAt: try row.decode(Date.self, at: 0), income: try row.decode(Decimal.self, at: 1),
            currency: try row.decode(String.self, at: 2), windowMonths: try row.decode(Int.self, at: 3),
            funderGroups: try row.decode(Int.self, at: 4), hhi: try row.decode(Decimal?.self, at: 5), gini: try row.decode(Decimal?.self, at: 6),
            topGroups: groups.map { group in
                (group["name"] as? String ?? "?", FindingText.integer(group["members"]),
                 Decimal(string: "\(group["total"] ?? 0)") ?? 0, FindingText.double(group["share"]) ?? 0)
            },
            lorenz: points.compactMap { point in
                guard point.count == 2, let x = FindingText.double(point[0]), let y = FindingText.double(point[1]) else { return nil }
                return (x, y)
            })
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
            ? "الدخل من التبرعات في آخر \(run.windowMonths) شهراً: \(FindingText.amount(run.income.doubleValue)) \(run.currency) من \(run.funderGroups) مجموعة ممولين"
            : "Donated income over the last \(run.windowMonths) months: \(FindingText.amount(run.income.doubleValue)) \(run.currency) from \(run.funderGroups) funder group(s)")
        if let hhi = run.hhi, let effective = effectiveFunders {
            lines.append(arabic
                ? "مؤشر التركّز: \(hhi) (ما يعادل \(String(format: "%.1f", effective)) ممولين متساوين)"
                : "Concentration index (HHI): \(hhi), as concentrated as \(String(format: "%.1f", effective)) equal funders")
        }
        lines.append(counts.map { "\(FindingText.severityName($0.severity, language)): \($0.count)" }.joined(separator: "  "))
        for finding in findings {
            lines.append("")
            lines.append("#\(finding.id) [\(FindingText.severityName(finding.severity, language))] \(FindingText.ruleTitle(finding.rule, language)) (\(finding.status))")
            lines.append("  " + finding.summary)
        }
        if findings.isEmpty { lines.append(arabic ? "لا توجد ملاحظات." : "No findings.") }
        return lines.joined(separator: "\n") + "\n"
    }

    public var outputRecord: OutputRecord {
        ["association": .text(association.slug), "generated_at": .timestamp(generatedAt),
         "run": .record(["started_at": .timestamp(run.startedAt), "income": .decimal(run.income), "currency": .text(run.currency),
                         "window_months": .integer(Int64(run.windowMonths)), "funder_groups": .integer(Int64(run.funderGroups)),
                         "hhi": .of(run.hhi), "gini": .of(run.gini),
                         "top_groups": .list(run.topGroups.map { .record(["name": .text($0.name), "members": .integer(Int64($0.members)),
                                                                          "total": .decimal($0.total), "share": .decimal(Decimal($0.share))]) }),
                         "lorenz": .list(run.lorenz.map { .list([.decimal(Decimal($0.x)), .decimal(Decimal($0.y))]) })]),
         "findings": .list(findings.map { finding in
             var record = finding.outputRecord
             record.append("evidence", finding.evidenceValue)
             return .record(record)
         })]
    }
}

extension Decimal {
    var doubleValue: Double { NSDecimalNumber(decimal: self).doubleValue }
}
