import Foundation
import InfluenceAudit
import Postgres
import SanadTestSupport

/// An association built through the CLI for one audit test, with helpers to add people,
/// gifts and ties, run the audit and read what it found.
struct AuditScenario {
    let database: ConnectionConfiguration
    let sanad: InProcessSanad
    let connection: Connection

    init(_ label: String, language: String = "en") throws {
        database = try TestDatabase.fresh(label)
        sanad = InProcessSanad(database: database, extra: ["SANAD_ASSOCIATION": "assoc"])
        connection = try TestDatabase.connect(database)
        try sanad.succeed(["association", "add", "assoc", "--name", language == "ar" ? "جمعية الأمل" : "Hope Association",
                           "--country", "LB", "--currency", "USD", "--time-zone", "Asia/Beirut", "--language", language])
        try sanad.succeed(["plugin", "enable", "influence-audit"])
    }

    /// A day `days` ago, in the association's time zone, as the CLI takes it.
    static func daysAgo(_ days: Int) -> String { LocalDays.daysAgo(days) }

    @discardableResult
    func contact(_ name: String, _ arguments: [String] = []) throws -> Int {
        (try sanad.json(["contact", "add", name] + arguments) as! [String: Any])["id"] as! Int
    }

    func give(_ contact: Int, _ amount: Int, daysAgo days: Int, _ arguments: [String] = []) throws {
        try sanad.succeed(["interaction", "log", String(contact), "donation", "--amount", String(amount),
                           "--at", Self.daysAgo(days) + " 12:00"] + arguments)
    }

    func relate(_ a: Int, _ kind: String, _ b: Int) throws {
        try sanad.succeed(["contact", "relate", String(a), kind, String(b)])
    }

    /// Independent donors giving the same amount, so no one of them stands out.
    @discardableResult
    func background(_ count: Int, amount: Int) throws -> [Int] {
        try (1...count).map { index in
            let id = try contact("Background donor \(index)", ["--role", "supporter"])
            try give(id, amount, daysAgo: 20 + index)
            return id
        }
    }

    @discardableResult
    func run() throws -> [String: Any] {
        try sanad.json(["audit", "influence", "run"]) as! [String: Any]
    }

    /// The findings the last run saw, as returned by `sanad audit findings --format json`.
    func findings(_ extra: [String] = []) throws -> [[String: Any]] {
        try sanad.json(["audit", "findings"] + extra) as! [[String: Any]]
    }

    func evidence(_ finding: [String: Any]) throws -> [String: Any] {
        let shown = try sanad.json(["audit", "show", String(finding["id"] as! Int)]) as! [String: Any]
        return shown["evidence"] as! [String: Any]
    }

    /// Findings as "rule" or "rule:category" with the sorted contacts of their group, read
    /// back into the plugin's own model.
    func ruleSummary() throws -> [String] {
        try sanad.decode([AuditFinding].self, ["audit", "findings"]).map { finding in
            var label = finding.rule
            if ["conditions", "notes"].contains(label) { label += ":" + (try evidence(["id": Int(finding.id)])["category"] as! String) }
            let members = finding.groupContacts.sorted().map(String.init).joined(separator: ",")
            return members.isEmpty ? label : "\(label)@\(members)"
        }.sorted()
    }
}
