import Foundation
import Postgres
import SanadCore
import SanadTestSupport
import Testing

/// Every command run for one association reads and writes nothing of another: its rows are
/// byte-for-byte the same afterwards, none of its names appear in any output, and its ids
/// are unknown to the first association's commands.
@Suite("Isolation through every command", .timeLimit(.minutes(5)))
struct CommandIsolationTests {
    let sanad: InProcessSanad
    let connection: Connection
    let folder: String

    init() throws {
        let database = try TestDatabase.fresh("command-isolation")
        sanad = InProcessSanad(database: database)
        connection = try TestDatabase.connect(database)
        folder = NSTemporaryDirectory() + "sanad-isolation-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for (slug, country, currency, zone, language, seed) in [("alpha", "LB", "USD", "Asia/Beirut", "ar", "3"),
                                                                ("beta", "GB", "GBP", "Europe/London", "en", "4")] {
            try sanad.succeed(["association", "add", slug, "--name", "Association \(slug)", "--country", country, "--currency", currency,
                               "--time-zone", zone, "--language", language])
            try sanad.succeed(["generate", "--contacts", "300", "--seed", seed, "--load", "-a", slug])
            for plugin in ["segmentation", "influence-audit", "email-export"] { try sanad.succeed(["plugin", "enable", plugin, "-a", slug]) }
            try sanad.succeed(["segment", "create", "donors", "--rule", "gave", "-a", slug])
            try sanad.succeed(["audit", "influence", "run", "-a", slug])
        }
    }

    /// A digest of every row the association owns, table by table (read as the owner).
    func snapshot(_ slug: String) throws -> [String: String] {
        let id = try connection.query("SELECT id FROM associations WHERE slug = \(slug)")[0].decode(Int64.self, at: 0)
        let tables = try connection.query("""
            SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'association_id' WHERE c.relkind = 'r' ORDER BY 1
            """).map { try $0.decode(String.self, at: 0) }
        var digests: [String: String] = [:]
        for table in tables {
            digests[table] = try connection.query("""
                SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM \(identifier: table) t
                WHERE association_id = \(id)
                """)[0].decode(String.self, at: 0)
        }
        return digests
    }

    func first(_ sql: SQL) throws -> Int {
        try connection.query(sql)[0].decode(Int.self, at: 0)
    }

    @Test("alpha's commands, reads and writes, leave beta untouched and never show it")
    func alphaLeavesBetaAlone() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let marker = "BetaOnlyMarker"
        let betaContact = (try sanad.json(["contact", "add", "\(marker) Person", "--email", "marker@beta.example", "--role", "funder",
                                           "-a", "beta"]) as! [String: Any])["id"] as! Int
        try sanad.succeed(["interaction", "log", String(betaContact), "donation", "--amount", "90000", "--conditions",
                           "\(marker) wants a seat on the board", "-a", "beta"])
        try sanad.succeed(["audit", "influence", "run", "-a", "beta"])
        let betaFinding = try first("SELECT f.id FROM audit_findings f JOIN associations a ON a.id = f.association_id WHERE a.slug = 'beta' LIMIT 1")
        let betaJob = try sanad.succeed(["jobs", "add", "core.summary", "-a", "beta", "--format", "json"])
        let betaJobID = (try JSONSerialization.jsonObject(with: Data(betaJob.utf8)) as! [String: Any])["id"] as! Int
        let before = try snapshot("beta")

        let alphaContact = try first("""
            SELECT c.id FROM contacts c JOIN associations a ON a.id = c.association_id WHERE a.slug = 'alpha' AND c.deleted_at IS NULL
            ORDER BY c.id LIMIT 1
            """)
        let alphaOther = try first("""
            SELECT c.id FROM contacts c JOIN associations a ON a.id = c.association_id WHERE a.slug = 'alpha' AND c.deleted_at IS NULL
            ORDER BY c.id DESC LIMIT 1
            """)
        let generated = folder + "/alpha"
        try sanad.succeed(["generate", "--contacts", "50", "--seed", "9", "--out", generated, "-a", "alpha"])
        let commands: [[String]] = [
            ["contact", "list", "--limit", "1000"], ["contact", "search", marker], ["contact", "search", "marker@beta.example", "--by", "email"],
            ["contact", "show", String(alphaContact)], ["contact", "update", String(alphaContact), "--city", "Byblos"],
            ["contact", "tag", String(alphaContact), "checked"], ["contact", "relate", String(alphaContact), "spouse", String(alphaOther)],
            ["contact", "duplicates"], ["contact", "import", generated + "/contacts.csv"],
            ["interaction", "import", generated + "/interactions.csv"], ["interaction", "list", "--limit", "1000"],
            ["interaction", "log", String(alphaContact), "donation", "--amount", "40"],
            ["consent", "set", String(alphaContact), "email", "granted", "--basis", "consent"],
            ["campaign", "list"], ["calendar", "--from", "2020-01-01", "--to", "2030-01-01"], ["calendar", "--ics", folder + "/alpha.ics"],
            ["group", "list"], ["plugin", "list"], ["plugin", "config", "influence-audit", "--set", "large_gift=5000"],
            ["segment", "create", "volunteers", "--rule", "role is volunteer"], ["segment", "refresh", "--all"], ["segment", "list"],
            ["segment", "members", "donors"], ["segment", "history", "donors"],
            ["export", "emails", "--list", "all", "--format", "mailchimp", "--out", folder + "/alpha.csv"], ["export", "log"],
            ["export", "suppression", "--out", folder + "/suppression.csv"],
            ["audit", "influence", "run"], ["audit", "findings", "--all"], ["audit", "report", "--format", "json"],
            ["audit", "decision", "add", "2026-01-10", "Grant", "--beneficiary", String(alphaContact)], ["audit", "decision", "list"],
            ["audit", "election", "add", "Vote", "--announced", "2026-01-01", "--polling", "2026-02-01"], ["audit", "lexicon", "add", "political", "ballot box"],
            ["schedule", "add", "segmentation.refresh", "--cron", "0 3 * * *"], ["schedule", "list"],
            ["jobs", "add", "influence-audit.run"], ["jobs", "list"],
            ["contact", "merge", String(alphaContact), "--absorb", String(alphaOther), "--yes"], ["contact", "erase", String(alphaOther), "--yes"],
        ]
        var outputs = ""
        for command in commands {
            let result = try sanad.run(command + ["-a", "alpha"])
            #expect(result.status == 0 || result.status == 1, "\(command.joined(separator: " ")): exit \(result.status) \(result.stderr)")
            outputs += result.stdout + result.stderr
        }
        for file in try FileManager.default.contentsOfDirectory(atPath: folder) where !file.hasPrefix("alpha") || file.hasSuffix(".csv") || file.hasSuffix(".ics") {
            outputs += (try? String(contentsOfFile: folder + "/" + file, encoding: .utf8)) ?? ""
        }
        #expect(!outputs.contains(marker), "beta's contact never appears in alpha's output")
        #expect(!outputs.contains("marker@beta.example"))

        // Beta's ids are unknown to alpha's commands.
        let crossing: [[String]] = [
            ["contact", "show", String(betaContact)], ["contact", "update", String(betaContact), "--city", "X"],
            ["contact", "tag", String(betaContact), "x"], ["contact", "delete", String(betaContact)],
            ["contact", "relate", String(alphaContact), "spouse", String(betaContact)],
            ["contact", "merge", String(alphaContact), "--absorb", String(betaContact), "--yes"], ["contact", "erase", String(betaContact), "--yes"],
            ["interaction", "log", String(betaContact), "note", "--notes", "x"],
            ["consent", "set", String(betaContact), "email", "withdrawn"],
            ["audit", "show", String(betaFinding)], ["audit", "review", String(betaFinding), "--dismiss", "--reason", "x"],
            ["audit", "decision", "add", "2026-01-10", "Grant", "--beneficiary", String(betaContact)],
            ["audit", "approve", String(betaContact), "--note", "x"],
            ["segment", "include", "volunteers", String(betaContact)],
            ["export", "emails", "--list", "x", "--recipient", String(betaContact)],
            ["jobs", "show", String(betaJobID)], ["jobs", "cancel", String(betaJobID)],
        ]
        for command in crossing {
            let result = try sanad.run(command + ["-a", "alpha"])
            #expect(result.status != 0, "\(command.joined(separator: " ")) reached beta")
            #expect(!(result.stdout + result.stderr).contains(marker))
        }
        #expect(try snapshot("beta") == before, "every row of beta is unchanged")
    }
}
