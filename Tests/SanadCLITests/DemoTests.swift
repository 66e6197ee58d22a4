import Foundation
import Postgres
import SanadCore
import SanadTestSupport
import Testing

@Suite("sanad demo, its reset, and removing an association", .timeLimit(.minutes(4)))
struct DemoTests {
    let database: ConnectionConfiguration
    let sanad: SanadProcess
    let connection: Connection
    let folder: String

    init() throws {
        database = try TestDatabase.fresh("demo")
        sanad = SanadProcess(database: database)
        connection = try TestDatabase.connect(database)
        folder = NSTemporaryDirectory() + "sanad-demo-\(UUID().uuidString)"
    }

    func count(_ sql: SQL) throws -> Int {
        try connection.query(sql)[0].decode(Int.self, at: 0)
    }

    /// Rows of any table that belong to one of the associations.
    func rowsBelongingTo(_ ids: [Int64]) throws -> [String: Int] {
        let tables = try connection.query("""
            SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'association_id' WHERE c.relkind = 'r'
            """).map { try $0.decode(String.self, at: 0) }
        var counts: [String: Int] = [:]
        for table in tables {
            let rows = try count("SELECT count(*) FROM \(identifier: table) WHERE association_id = ANY(\(ids))")
            if rows > 0 { counts[table] = rows }
        }
        return counts
    }

    @Test("the demo makes two associations with the planted case found, is safe to re-run, and its reset removes only demo data")
    func demoRunRerunReset() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try sanad.succeed(["association", "add", "real", "--name", "Real Association", "--country", "LB", "--currency", "USD",
                           "--time-zone", "Asia/Beirut", "--language", "ar"])
        try sanad.succeed(["contact", "add", "Real Person", "-a", "real"])
        let tour = try sanad.succeed(["demo", "--out", folder, "--contacts", "300"])
        #expect(tour.contains("Sanad demo ready"))
        #expect(tour.contains("segment volunteers-near-event"))
        for file in ["demo-ar-audit.html", "demo-en-audit.html", "demo-ar-newsletter-mailchimp.csv", "demo-en-lybunt-listmonk.csv"] {
            let size = (try? FileManager.default.attributesOfItem(atPath: folder + "/" + file)[.size] as? Int) ?? 0
            #expect(size > 100, "\(file) written")
        }
        let html = try String(contentsOfFile: folder + "/demo-ar-audit.html", encoding: .utf8)
        #expect(html.contains("dir=\"rtl\"") && html.contains("شركة كرم القابضة"))

        // The planted group is found as a group, with its conditions, conflict and PEP tie.
        for slug in ["demo-ar", "demo-en"] {
            let findings = try sanad.json(["audit", "findings", "-a", slug]) as! [[String: Any]]
            let planted = findings.filter { ($0["group_contacts"] as? [Int])?.count == 4 }
            let rules = Set(planted.compactMap { $0["rule"] as? String })
            #expect(rules.isSuperset(of: ["concentration", "conditions", "conflict_of_interest", "pep", "election_period_gift",
                                          "decision_after_gift"]), "\(slug): \(rules.sorted())")
            let segments = try sanad.json(["segment", "list", "-a", slug]) as! [[String: Any]]
            #expect(Set(segments.compactMap { $0["slug"] as? String }) == ["lybunt", "facebook-never-acted", "volunteers-near-event"])
        }
        let contactsBefore = try count("SELECT count(*) FROM contacts")
        try sanad.succeed(["demo", "--out", folder, "--contacts", "300"])
        #expect(try count("SELECT count(*) FROM contacts") == contactsBefore, "a second run adds nothing")
        #expect(try count("SELECT count(*) FROM audit_decisions") == 2)

        let demoIDs = try connection.query("SELECT id FROM associations WHERE slug LIKE 'demo-%'").map { try $0.decode(Int64.self, at: 0) }
        #expect(demoIDs.count == 2)
        #expect(try !rowsBelongingTo(demoIDs).isEmpty)
        let realBefore = try rowsBelongingTo([try connection.query("SELECT id FROM associations WHERE slug = 'real'")[0].decode(Int64.self, at: 0)])
        try sanad.succeed(["demo", "--reset", "--out", folder])
        #expect(try rowsBelongingTo(demoIDs) == [:], "nothing of the demo is left in any table")
        #expect(try count("SELECT count(*) FROM associations") == 1)
        let realAfter = try rowsBelongingTo([try connection.query("SELECT id FROM associations WHERE slug = 'real'")[0].decode(Int64.self, at: 0)])
        #expect(realAfter == realBefore, "the real association is untouched")
        #expect(!FileManager.default.fileExists(atPath: folder + "/demo-ar-audit.html"))
    }

    @Test("the demo refuses to take over an association it did not make; removing one needs --yes")
    func demoLeavesRealAssociationsAlone() throws {
        try sanad.succeed(["association", "add", "demo-ar", "--name", "Someone's real data", "--country", "LB", "--currency", "USD",
                           "--time-zone", "Asia/Beirut", "--language", "ar"])
        let refused = try sanad.run(["demo", "--out", folder, "--contacts", "100"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("was not made by the demo"))
        try sanad.succeed(["demo", "--reset", "--out", folder])
        #expect(try count("SELECT count(*) FROM associations WHERE slug = 'demo-ar'") == 1)

        let unconfirmed = try sanad.run(["association", "remove", "demo-ar"])
        #expect(unconfirmed.status == 2)
        #expect(unconfirmed.stderr.contains("--yes"))
        try sanad.succeed(["association", "remove", "demo-ar", "--yes"])
        #expect(try count("SELECT count(*) FROM associations") == 0)
        #expect(try count("SELECT count(*) FROM audit_log") == 0)
    }
}
