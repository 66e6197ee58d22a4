import Foundation
import Postgres
import PostgresServer
import SanadCore
import SanadTestSupport
import Testing

/// People against PostgreSQL's rules: with the credentials of a staff member of association
/// A (tripoli), every way into association B (beirut) fails or returns nothing of it, through
/// raw SQL (the driver, and the real `psql`) as well as `sanad`. Each attempt and its
/// outcome are printed, so the suite shows what was tried.
///
/// The throwaway cluster trusts its socket, so here a person could log in as anyone; the
/// suite proves what a login may do once it is in. That only the right person logs in
/// (SCRAM passwords, disabled users) is proved on a cluster of its own that asks for them.
@Suite("An attacker with a staff login", .serialized, .timeLimit(.minutes(5)))
struct AttackerTests {
    let database: ConnectionConfiguration
    let owner: Connection
    let admin: InProcessSanad
    let suffix = String(UInt32.random(in: 0...UInt32.max), radix: 36)
    let beirutID: Int64
    let tripoliID: Int64
    /// Every display name of beirut's contacts (none may show up anywhere A's staff looks).
    let beirutNames: [String]

    var staff: String { "staff-a-" + suffix }
    var viewer: String { "viewer-a-" + suffix }
    var auditor: String { "auditor-a-" + suffix }
    var adminB: String { "admin-b-" + suffix }

    init() throws {
        database = try TestDatabase.fresh("attacker")
        owner = try TestDatabase.connect(database)
        admin = InProcessSanad(database: database)
        for (slug, name, country, currency, zone, language, seed) in [
            ("tripoli", "جمعية طرابلس", "LB", "USD", "Asia/Beirut", "ar", "5"),
            ("beirut", "جمعية بيروت السرية", "LB", "USD", "Asia/Beirut", "ar", "6"),
        ] {
            try admin.succeed(["association", "add", slug, "--name", name, "--country", country, "--currency", currency,
                               "--time-zone", zone, "--language", language])
            try admin.succeed(["generate", "--contacts", "150", "--seed", seed, "--load", "-a", slug])
            for plugin in ["segmentation", "influence-audit", "email-export"] { try admin.succeed(["plugin", "enable", plugin, "-a", slug]) }
            try admin.succeed(["segment", "create", "donors", "--rule", "gave", "-a", slug])
            try admin.succeed(["audit", "influence", "run", "-a", slug])
        }
        beirutID = try owner.query("SELECT id FROM associations WHERE slug = 'beirut'")[0].decode(Int64.self, at: 0)
        tripoliID = try owner.query("SELECT id FROM associations WHERE slug = 'tripoli'")[0].decode(Int64.self, at: 0)
        beirutNames = try owner.query("""
            SELECT display_name FROM contacts WHERE association_id = \(beirutID) AND length(display_name) > 6
            """).map { try $0.decode(String.self, at: 0) }
        for (user, slug, role) in [(staff, "tripoli", "staff"), (viewer, "tripoli", "viewer"), (auditor, "tripoli", "auditor"),
                                   (adminB, "beirut", "admin")] {
            try admin.succeed(["user", "add", user, "-a", slug, "--role", role])
        }
    }

    /// A raw connection as `user`, with nothing of Sanad's in between.
    func login(_ user: String) throws -> Connection {
        try Connection.connect(TestDatabase.asUser(database, user), logger: TestDatabase.logger)
    }

    /// `sanad` with `user`'s credentials only (no owner's connection at hand).
    func sanad(as user: String) -> InProcessSanad {
        var sanad = InProcessSanad(database: database)
        sanad.environment["SANAD_DATABASE_URL"] = TestDatabase.conninfo(TestDatabase.asUser(database, user))
        sanad.environment["SANAD_OWNER_URL"] = nil
        return sanad
    }

    /// Every table with an association_id (the business tables).
    func businessTables() throws -> [String] {
        try owner.query("""
            SELECT c.relname FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'association_id'
            WHERE c.relkind = 'r' AND c.relnamespace = 'public'::regnamespace ORDER BY 1
            """).map { try $0.decode(String.self, at: 0) }
    }

    /// Runs one attempt: "refused (SQLSTATE)" when PostgreSQL refused it, else what it returned.
    @discardableResult
    func attempt(_ label: String, _ body: () throws -> String) -> String {
        let outcome: String
        do {
            outcome = try body()
        } catch let error as PostgresError {
            outcome = "refused (\(error.sqlState?.rawValue ?? error.kind.rawValue))"
        } catch {
            outcome = "failed: \(error)"
        }
        print("attempt: \(label) → \(outcome)")
        return outcome
    }

    func isRefused(_ outcome: String) -> Bool { outcome.hasPrefix("refused") }

    @Test("naming B in sanad.association shows, changes and adds nothing of B, in every table")
    func settingTheOtherAssociation() throws {
        let attacker = try login(staff)
        try attacker.execute("BEGIN")
        try attacker.query("SELECT set_config('sanad.association', \(String(beirutID)), true)")
        for table in try businessTables() + ["associations"] {
            let column = table == "associations" ? "id" : "association_id"
            let outcome = attempt("SELECT B's rows from \(table) with sanad.association = B") {
                "\(try attacker.query("SELECT count(*) FROM \(identifier: table) WHERE \(identifier: column) = \(beirutID)")[0].decode(Int.self, at: 0)) rows"
            }
            #expect(outcome == "0 rows" || isRefused(outcome), "\(table): \(outcome)")
        }
        let updated = attempt("UPDATE contacts of B") {
            "\(try attacker.execute("UPDATE contacts SET display_name = 'taken'")) rows"
        }
        #expect(updated == "0 rows")
        try attacker.execute("ROLLBACK")
        let inserted = attempt("INSERT a contact into B") {
            try attacker.execute("BEGIN")
            defer { _ = try? attacker.execute("ROLLBACK") }
            try attacker.query("SELECT set_config('sanad.association', \(String(beirutID)), true)")
            return "\(try attacker.execute("INSERT INTO contacts (display_name, name_key, name_skeleton, keys_version) VALUES ('x', 'x', 'x', 3)")) rows"
        }
        #expect(isRefused(inserted))
        let forged = attempt("INSERT into A naming B's id") {
            try attacker.execute("BEGIN")
            defer { _ = try? attacker.execute("ROLLBACK") }
            try attacker.query("SELECT set_config('sanad.association', \(String(tripoliID)), true)")
            return "\(try attacker.execute("INSERT INTO audit_log (association_id, action, entity) VALUES (\(beirutID), 'forged', 'x')")) rows"
        }
        #expect(isRefused(forged))
        // Sanity: the same login does see its own association.
        try attacker.execute("BEGIN")
        try attacker.query("SELECT set_config('sanad.association', \(String(tripoliID)), true)")
        #expect(try attacker.query("SELECT count(*) FROM contacts")[0].decode(Int.self, at: 0) > 100)
        try attacker.execute("ROLLBACK")
    }

    @Test("SET ROLE and RESET ROLE lead to no other power")
    func switchingRoles() throws {
        let attacker = try login(staff)
        let ownerName = try owner.query("SELECT session_user::text")[0].decode(String.self, at: 0)
        for role in ["sanad_app", "sanad_admin", "sanad_auditor", ownerName, adminB, "postgres"] {
            let outcome = attempt("SET ROLE \(role)") { try attacker.execute("SET ROLE \(identifier: role)"); return "allowed" }
            #expect(isRefused(outcome), "\(role): \(outcome)")
        }
        #expect(isRefused(attempt("SET SESSION AUTHORIZATION owner") {
            try attacker.execute("SET SESSION AUTHORIZATION \(identifier: ownerName)"); return "allowed"
        }))
        // Its own group role is allowed, and changes nothing: the membership check is on the login.
        try attacker.execute("SET ROLE sanad_staff")
        try attacker.execute("BEGIN")
        try attacker.query("SELECT set_config('sanad.association', \(String(beirutID)), true)")
        let seen = attempt("SET ROLE sanad_staff, then read B") {
            "\(try attacker.query("SELECT count(*) FROM contacts")[0].decode(Int.self, at: 0)) rows"
        }
        #expect(seen == "0 rows")
        try attacker.execute("ROLLBACK")
        try attacker.execute("RESET ROLE")
        #expect(try attacker.query("SELECT current_user::text")[0].decode(String.self, at: 0) == staff)
    }

    @Test("every SECURITY DEFINER function, called with B in the setting, gives nothing of B")
    func definerFunctions() throws {
        let functions = Set(try owner.query("""
            SELECT p.proname::text FROM pg_proc p WHERE p.prosecdef AND p.pronamespace = 'public'::regnamespace
            """).map { try $0.decode(String.self, at: 0) })
        // A new definer function must be added here, with an attempt of its own.
        #expect(functions == ["sanad_member_association", "sanad_my_associations", "sanad_my_roles", "sanad_name_candidates",
                              "sanad_phone_candidates", "sanad_maintain_after_load", "sanad_audit_contacts_merged",
                              "sanad_audit_contact_erased", "sanad_review_is_independent"])
        let attacker = try login(staff)
        let beirutRows: SQL = """
            SELECT (SELECT count(*) FROM audit_findings WHERE association_id = \(beirutID))
                 + (SELECT count(*) FROM audit_approvals WHERE association_id = \(beirutID))
                 + (SELECT count(*) FROM audit_decision_trustees WHERE association_id = \(beirutID))
            """
        let before = try owner.query(beirutRows)[0].decode(Int.self, at: 0)
        let beirutContact = try owner.query("SELECT min(id) FROM contacts WHERE association_id = \(beirutID)")[0].decode(Int64.self, at: 0)
        let beirutName = try owner.query("SELECT name_key FROM contacts WHERE id = \(beirutContact) AND association_id = \(beirutID)")[0]
            .decode(String.self, at: 0)
        let beirutPhone = try owner.query("SELECT e164 FROM contact_phones WHERE association_id = \(beirutID) AND e164 IS NOT NULL LIMIT 1")[0]
            .decode(String.self, at: 0)
        let calls: [(String, SQL, (String) -> Bool)] = [
            ("sanad_member_association()", "SELECT sanad_member_association()::text", { $0 == "null" }),
            ("sanad_member_association('{admin}')", "SELECT sanad_member_association('{admin}')::text", { $0 == "null" }),
            ("sanad_my_associations()", "SELECT string_agg(x::text, ',') FROM sanad_my_associations() x", { $0 == String(tripoliID) }),
            ("sanad_my_roles()", "SELECT sanad_my_roles()::text", { $0 == "{}" }),
            ("sanad_name_candidates(B's name)", "SELECT count(*)::text FROM sanad_name_candidates(\(beirutName), \(beirutName), \(beirutName), 50)",
             { $0 == "0" }),
            ("sanad_phone_candidates(B's phone)", "SELECT count(*)::text FROM sanad_phone_candidates(\(beirutPhone), \(String(beirutPhone.suffix(8))), 50)",
             { $0 == "0" }),
            ("sanad_maintain_after_load('{contacts}')", "SELECT sanad_maintain_after_load('{contacts}')::text", { _ in false }),
            ("sanad_audit_contacts_merged(B's contacts)", "SELECT sanad_audit_contacts_merged(\(beirutContact), \(beirutContact + 1))::text",
             { _ in false }),
            ("sanad_audit_contact_erased(B's contact)", "SELECT sanad_audit_contact_erased(\(beirutContact))::text", { _ in false }),
            ("sanad_review_is_independent()", "SELECT sanad_review_is_independent()::text", { _ in false }),
        ]
        for (label, statement, acceptable) in calls {
            let outcome = attempt(label) {
                try attacker.execute("BEGIN")
                defer { _ = try? attacker.execute("ROLLBACK") }
                try attacker.query("SELECT set_config('sanad.association', \(String(beirutID)), true)")
                return try attacker.query(statement)[0].decode(String?.self, at: 0) ?? "null"
            }
            #expect(isRefused(outcome) || acceptable(outcome), "\(label): \(outcome)")
        }
        #expect(try owner.query(beirutRows)[0].decode(Int.self, at: 0) == before, "B's audit records are untouched")
    }

    @Test("COPY of business tables gives A's rows at most, and COPY FROM is refused")
    func copyingOut() throws {
        let attacker = try login(staff)
        for table in ["contacts", "contact_emails", "interactions", "audit_log"] {
            for (setting, label) in [(String(beirutID), "B"), ("", "none")] {
                let outcome = attempt("COPY \(table) TO STDOUT with association \(label)") {
                    try attacker.execute("BEGIN")
                    defer { _ = try? attacker.execute("ROLLBACK") }
                    try attacker.query("SELECT set_config('sanad.association', \(setting), true)")
                    var bytes = 0
                    try attacker.copyOut("COPY \(identifier: table) TO STDOUT") { bytes += $0.count }
                    return "\(bytes) bytes"
                }
                #expect(outcome == "0 bytes" || isRefused(outcome), "\(table): \(outcome)")
            }
        }
        let copyIn = attempt("COPY contacts FROM STDIN") {
            try attacker.execute("BEGIN")
            defer { _ = try? attacker.execute("ROLLBACK") }
            try attacker.query("SELECT set_config('sanad.association', \(String(beirutID)), true)")
            return "\(try attacker.copyIn("COPY contacts (display_name, name_key, name_skeleton, keys_version) FROM STDIN") { try $0.write("x\tx\tx\t3\n") }) rows"
        }
        #expect(isRefused(copyIn))
    }

    @Test("statistics, sequences and other sessions tell nothing of B")
    func sideChannels() throws {
        // Extended statistics on names and cities, so there is something to leak.
        try owner.execute("CREATE STATISTICS IF NOT EXISTS attack_contacts_city (mcv) ON city, display_name FROM contacts")
        try owner.execute("ANALYZE contacts")
        try owner.execute("ANALYZE audit_log")
        #expect(try owner.query("SELECT count(*) FROM pg_stats WHERE tablename = 'contacts'")[0].decode(Int.self, at: 0) > 0)
        let attacker = try login(staff)
        for view in ["pg_stats", "pg_stats_ext"] {
            let outcome = attempt("\(view) of business tables") {
                let rows = try attacker.query("""
                    SELECT count(*) FROM \(identifier: view) WHERE schemaname = 'public' AND tablename IN (SELECT unnest(\(try businessTables())::text[]))
                    """)[0].decode(Int.self, at: 0)
                return "\(rows) rows"
            }
            #expect(outcome == "0 rows" || isRefused(outcome), "\(view): \(outcome)")
        }
        let sequences = try owner.query("SELECT c.relname FROM pg_class c WHERE c.relkind = 'S' AND c.relnamespace = 'public'::regnamespace")
            .map { try $0.decode(String.self, at: 0) }
        #expect(!sequences.isEmpty)
        for sequence in sequences {
            let outcome = attempt("SELECT last_value FROM \(sequence)") {
                "\(try attacker.query("SELECT last_value FROM \(identifier: sequence)")[0].decode(Int64.self, at: 0))"
            }
            #expect(isRefused(outcome), "\(sequence): \(outcome)")
            let current = attempt("currval('\(sequence)')") {
                "\(try attacker.query("SELECT currval(\(sequence)::regclass)")[0].decode(Int64.self, at: 0))"
            }
            #expect(isRefused(current), "\(sequence): \(current)")
        }
        // B's admin is mid-work, its last statement naming one of B's people.
        let beirut = try login(adminB)
        let secret = beirutNames.first ?? "جمعية بيروت السرية"
        try beirut.execute("BEGIN")
        try beirut.query("SELECT set_config('sanad.association', \(String(beirutID)), true)")
        _ = try beirut.query("SELECT count(*) FROM contacts WHERE display_name = \(secret) OR display_name = '\(unsafeSQL: secret.replacingOccurrences(of: "'", with: "''"))'")
        let activity = attempt("pg_stat_activity of B's session") {
            try attacker.query("""
                SELECT coalesce(query, '') || ' ' || coalesce(state, '') FROM pg_stat_activity WHERE usename = \(adminB)
                """).map { try $0.decode(String.self, at: 0) }.joined(separator: " | ")
        }
        #expect(!activity.contains(secret), "\(activity)")
        #expect(activity.contains("insufficient privilege") || isRefused(activity), "\(activity)")
        try beirut.execute("ROLLBACK")
    }

    @Test("LISTEN on the job channel hears no ids or personal data of B")
    func listeningToJobs() throws {
        let attacker = try login(staff)
        try attacker.listen("sanad_jobs")
        try sanad(as: adminB).succeed(["jobs", "add", "core.summary", "-a", "beirut"])
        var heard: [PostgresNotification] = []
        for _ in 0..<20 where heard.isEmpty { heard += try attacker.waitForNotifications(timeout: .milliseconds(250)) }
        let payloads = heard.map(\.payload)
        print("attempt: LISTEN sanad_jobs while B queues a job → payloads \(payloads)")
        #expect(!heard.isEmpty, "workers are woken")
        #expect(payloads.allSatisfy { $0.isEmpty }, "a wake-up carries nothing")
    }

    @Test("no object can be created in public, and no Sanad table altered or dropped")
    func changingTheSchema() throws {
        let attacker = try login(staff)
        for (label, statement) in [
            ("CREATE TABLE in public", "CREATE TABLE public.stolen (x text)"),
            ("CREATE FUNCTION in public", "CREATE FUNCTION public.sanad_current_association() RETURNS bigint LANGUAGE sql AS 'SELECT 1::bigint'"),
            ("CREATE TRIGGER on contacts", "CREATE TRIGGER spy AFTER INSERT ON contacts FOR EACH ROW EXECUTE FUNCTION sanad_touch_updated_at()"),
            ("CREATE SCHEMA", "CREATE SCHEMA mine"),
        ] as [(String, SQL)] {
            let outcome = attempt(label) { try attacker.execute(statement); return "allowed" }
            #expect(isRefused(outcome), "\(label): \(outcome)")
        }
        for table in try businessTables() + ["associations", "sanad_users", "association_members", "schema_migrations"] {
            for (verb, statement) in [("ALTER", "ALTER TABLE \(identifier: table) DISABLE ROW LEVEL SECURITY"),
                                      ("DROP", "DROP TABLE \(identifier: table) CASCADE")] as [(String, SQL)] {
                let outcome = attempt("\(verb) TABLE \(table)") { try attacker.execute(statement); return "allowed" }
                #expect(isRefused(outcome), "\(verb) \(table): \(outcome)")
            }
        }
    }

    @Test("the real psql, with staff's login, reads nothing of B")
    func throughPsql() throws {
        let psql = ["/usr/bin/psql", "/usr/lib/postgresql/15/bin/psql"].first { FileManager.default.isExecutableFile(atPath: $0) }
        try #require(psql != nil, "psql is installed with postgresql")
        let conninfo = TestDatabase.conninfo(TestDatabase.asUser(database, staff))
        let script = """
            BEGIN;
            SELECT set_config('sanad.association', '\(beirutID)', true);
            SELECT display_name FROM contacts;
            SELECT actor || ' ' || action FROM audit_log;
            COPY (SELECT * FROM contact_emails) TO STDOUT;
            SELECT slug FROM associations;
            ROLLBACK;
            SET ROLE sanad_app;
            """
        let outcome = try ProcessRunner.run(psql!, ["-X", "-At", "-v", "ON_ERROR_STOP=0", "-d", conninfo, "-c", script])
        print("attempt: psql as \(staff) naming B → \(outcome.output.split(separator: "\n").count) lines: \(outcome.output.prefix(300))")
        for name in beirutNames.prefix(50) { #expect(!outcome.output.contains(name)) }
        #expect(!outcome.output.contains("beirut"))
        #expect(outcome.output.contains("permission denied to set role"))
    }

    @Test("sanad naming B with A's staff login finds nothing, imports, exports and merges nothing")
    func sanadNamingTheOther() throws {
        let sanad = sanad(as: staff)
        let beirutContact = try owner.query("SELECT min(id) FROM contacts WHERE association_id = \(beirutID)")[0].decode(Int64.self, at: 0)
        let folder = NSTemporaryDirectory() + "sanad-attack-\(suffix)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "display_name,email\nمتسلل,intruder@example.org\n".write(toFile: folder + "/in.csv", atomically: true, encoding: .utf8)
        let before = try owner.query("SELECT count(*) FROM contacts WHERE association_id = \(beirutID)")[0].decode(Int.self, at: 0)
        for arguments in [["contact", "list", "-a", "beirut"], ["contact", "import", folder + "/in.csv", "-a", "beirut"],
                          ["export", "emails", "--list", "newsletter", "--out", folder + "/out.csv", "-a", "beirut"],
                          ["contact", "show", String(beirutContact), "-a", "tripoli"],
                          ["contact", "merge", String(beirutContact), "--absorb", String(beirutContact + 1), "--yes", "-a", "tripoli"],
                          ["association", "show", "beirut"], ["association", "add", "mine", "--name", "Mine", "--country", "LB"],
                          ["user", "grant", staff, "-a", "beirut", "--role", "admin"]] {
            let result = try sanad.run(arguments)
            print("attempt: sanad \(arguments.joined(separator: " ")) → exit \(result.status): \(result.stderr.prefix(160))")
            #expect(result.status != 0, "\(arguments)")
            for name in beirutNames.prefix(50) { #expect(!result.stdout.contains(name) && !result.stderr.contains(name)) }
        }
        #expect(!FileManager.default.fileExists(atPath: folder + "/out.csv"))
        #expect(try owner.query("SELECT count(*) FROM contacts WHERE association_id = \(beirutID)")[0].decode(Int.self, at: 0) == before)
        let listed = try sanad.json(["association", "list"]) as! [[String: Any]]
        #expect(listed.compactMap { $0["slug"] as? String } == ["tripoli"])
    }

    @Test("a viewer cannot write or export; an auditor cannot change contacts but reviews findings")
    func rolesDecide() throws {
        let folder = NSTemporaryDirectory() + "sanad-roles-\(suffix)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let viewing = sanad(as: viewer)
        let someone = try owner.query("SELECT min(id) FROM contacts WHERE association_id = \(tripoliID)")[0].decode(Int64.self, at: 0)
        #expect(try viewing.run(["contact", "list", "-a", "tripoli", "--limit", "3"]).status == 0, "a viewer reads")
        for arguments in [["contact", "add", "زائر", "-a", "tripoli"], ["export", "emails", "--list", "newsletter", "--out", folder + "/v.csv", "-a", "tripoli"],
                          ["contact", "bulk", "tag", "vip", "--ids", String(someone), "-a", "tripoli"], ["plugin", "disable", "segmentation", "-a", "tripoli"]] {
            let result = try viewing.run(arguments)
            print("attempt: viewer: sanad \(arguments.joined(separator: " ")) → exit \(result.status): \(result.stderr.prefix(160))")
            #expect(result.status != 0, "\(arguments)")
        }
        #expect(!FileManager.default.fileExists(atPath: folder + "/v.csv"))
        let raw = try login(viewer)
        let viewerInsert = attempt("viewer: raw INSERT into contacts") {
            try raw.execute("BEGIN")
            defer { _ = try? raw.execute("ROLLBACK") }
            try raw.query("SELECT set_config('sanad.association', \(String(tripoliID)), true)")
            return "\(try raw.execute("INSERT INTO contacts (display_name, name_key, name_skeleton, keys_version) VALUES ('x', 'x', 'x', 3)")) rows"
        }
        #expect(isRefused(viewerInsert))

        let auditing = sanad(as: auditor)
        let added = try auditing.run(["contact", "add", "مدقق", "-a", "tripoli"])
        print("attempt: auditor: sanad contact add → exit \(added.status): \(added.stderr.prefix(160))")
        #expect(added.status != 0)
        #expect(added.stderr.contains("PostgreSQL refused"), "\(added.stderr)")
        let findings = try auditing.json(["audit", "findings", "-a", "tripoli"]) as! [[String: Any]]
        let finding = try #require(findings.first?["id"] as? Int)
        try auditing.succeed(["audit", "review", String(finding), "--acknowledge", "--reason", "checked with the treasurer", "-a", "tripoli"])
        let reviewer = try owner.query("SELECT status_by FROM audit_findings WHERE association_id = \(tripoliID) AND id = \(finding)")[0]
            .decode(String.self, at: 0)
        #expect(reviewer == auditor, "the review names the login")
        // Staff read the audit but cannot review it.
        let staffReview = try sanad(as: staff).run(["audit", "review", String(finding), "--dismiss", "--reason", "no", "-a", "tripoli"])
        #expect(staffReview.status != 0)
    }

    @Test("erasure needs an admin; a user linked to a funder cannot review that funder's findings")
    func adminAndConflicts() throws {
        let contact = try owner.query("SELECT min(id) FROM contacts WHERE association_id = \(tripoliID)")[0].decode(Int64.self, at: 0)
        let erasing = try sanad(as: staff).run(["contact", "erase", String(contact), "--yes", "-a", "tripoli"])
        print("attempt: staff: sanad contact erase → exit \(erasing.status): \(erasing.stderr.prefix(160))")
        #expect(erasing.status != 0)
        #expect(erasing.stderr.contains("admin role"), "\(erasing.stderr)")
        #expect(try owner.query("SELECT erased_at IS NULL FROM contacts WHERE association_id = \(tripoliID) AND id = \(contact)")[0].decode(Bool.self, at: 0))

        let (findingID, funder) = try owner.query("""
            SELECT id, group_contacts[1] FROM audit_findings WHERE association_id = \(tripoliID) AND cardinality(group_contacts) > 0
              AND status = 'open' ORDER BY id LIMIT 1
            """)[0].decode(Int64.self, Int64.self)
        try admin.succeed(["user", "link", auditor, String(funder), "-a", "tripoli"])
        let review = try sanad(as: auditor).run(["audit", "review", String(findingID), "--dismiss", "--reason", "nothing to see", "-a", "tripoli"])
        print("attempt: auditor linked to contact \(funder) reviews finding \(findingID) → exit \(review.status): \(review.stderr.prefix(200))")
        #expect(review.status != 0)
        #expect(review.stderr.contains("you are linked to contact \(funder)"), "\(review.stderr)")
        #expect(try owner.query("SELECT status FROM audit_findings WHERE association_id = \(tripoliID) AND id = \(findingID)")[0]
            .decode(String.self, at: 0) == "open")
    }

    @Test("a user with roles in two associations writes only where their role allows")
    func twoAssociations() throws {
        try admin.succeed(["user", "grant", adminB, "-a", "tripoli", "--role", "viewer"])
        let both = sanad(as: adminB)
        try both.succeed(["contact", "add", "مسؤول بيروت", "-a", "beirut"])
        let refused = try both.run(["contact", "add", "مسؤول بيروت", "-a", "tripoli"])
        #expect(refused.status != 0, "admin elsewhere, viewer here")
        let raw = try login(adminB)
        let update = attempt("admin of B, viewer of A: UPDATE A's contacts") {
            try raw.execute("BEGIN")
            defer { _ = try? raw.execute("ROLLBACK") }
            try raw.query("SELECT set_config('sanad.association', \(String(tripoliID)), true)")
            return "\(try raw.execute("UPDATE contacts SET display_name = 'taken'")) rows"
        }
        #expect(update == "0 rows" || isRefused(update), "\(update)")
        let whoami = try both.json(["whoami"]) as! [String: Any]
        let memberships = (whoami["memberships"] as? [[String: Any]]) ?? []
        #expect(memberships.compactMap { $0["association"] as? String } == ["beirut", "tripoli"])
    }

    @Test("the audit log names the login, whatever the statement or SANAD_ACTOR says")
    func auditIdentity() throws {
        let raw = try login(staff)
        try raw.execute("BEGIN")
        try raw.query("SELECT set_config('sanad.association', \(String(tripoliID)), true), set_config('sanad.actor', 'the treasurer', true)")
        try raw.execute("INSERT INTO audit_log (actor, action, entity) VALUES ('someone-else', 'test.forge', 'test')")
        try raw.execute("COMMIT")
        let (actor, onBehalf) = try owner.query("""
            SELECT actor, on_behalf_of FROM audit_log WHERE association_id = \(tripoliID) AND action = 'test.forge'
            """)[0].decode(String.self, String?.self)
        #expect(actor == staff)
        #expect(onBehalf == "the treasurer")
    }

    @Test("the owner does no association work through sanad")
    func ownerRefused() throws {
        var asOwner = InProcessSanad(database: database)
        asOwner.environment["SANAD_DATABASE_URL"] = TestDatabase.conninfo(database)
        let result = try asOwner.run(["contact", "list", "-a", "tripoli"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("the database owner"), "\(result.stderr)")
    }
}

/// Logging in: SCRAM-SHA-256 passwords set by `sanad user password`, and disabled users, on
/// a cluster of its own whose pg_hba.conf asks every user but the owner for a password.
@Suite("Logging in with a password", .timeLimit(.minutes(3)))
struct PasswordLoginTests {
    @Test("a generated password logs in over SCRAM; a wrong one, or a disabled user, does not")
    func scramAndDisabled() throws {
        let (cluster, configuration) = try TestDatabase.privateCluster("scram")
        defer { try? cluster.destroy(logger: TestDatabase.logger) }
        let owner = try TestDatabase.connect(configuration)
        let ownerName = try owner.query("SELECT session_user::text")[0].decode(String.self, at: 0)
        try "local all \(ownerName) trust\nlocal all all scram-sha-256\n".write(toFile: cluster.dataDirectory + "/pg_hba.conf", atomically: true,
                                                                            encoding: .utf8)
        try owner.query("SELECT pg_reload_conf()")
        usleep(300_000)
        let sanad = SanadProcess(database: configuration)
        var asOwner = sanad
        asOwner.environment["SANAD_DATABASE_URL"] = TestDatabase.conninfo(configuration)
        try asOwner.succeed(["association", "add", "solo", "--name", "Solo", "--country", "GB", "--currency", "GBP",
                             "--time-zone", "Europe/London", "--language", "en"])
        try asOwner.succeed(["user", "add", "rania", "-a", "solo", "--role", "staff"])
        let password = try asOwner.succeed(["user", "password", "rania", "--generate"]).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(password.count == 24)
        let verifier = try owner.query("SELECT rolpassword FROM pg_authid WHERE rolname = 'rania'")[0].decode(String.self, at: 0)
        #expect(verifier.hasPrefix("SCRAM-SHA-256$"))
        let log = (try? String(contentsOfFile: cluster.logFile, encoding: .utf8)) ?? ""
        #expect(!log.contains(password), "the password never reaches the server's log")
        let audited = try owner.query("SELECT string_agg(details::text || coalesce(on_behalf_of, ''), ' ') FROM audit_log")[0]
            .decode(String.self, at: 0)
        #expect(audited.contains("user.password") || audited.contains("rania"))
        #expect(!audited.contains(password), "nor the audit log")

        let rania = TestDatabase.asUser(configuration, "rania")
        let good = try Connection.connect(rania.setting("password", to: password), logger: TestDatabase.logger)
        #expect(try good.query("SELECT session_user::text")[0].decode(String.self, at: 0) == "rania")
        #expect(throws: PostgresError.self) { try Connection.connect(rania.setting("password", to: password + "x"), logger: TestDatabase.logger) }
        #expect(throws: PostgresError.self) { try Connection.connect(rania, logger: TestDatabase.logger) }

        var asRania = sanad
        asRania.environment["SANAD_DATABASE_URL"] = TestDatabase.conninfo(rania.setting("password", to: password))
        asRania.environment["SANAD_OWNER_URL"] = nil
        try asRania.succeed(["contact", "add", "Rania's first contact", "-a", "solo"])

        try asOwner.succeed(["user", "disable", "rania"])
        #expect(throws: PostgresError.self) { try Connection.connect(rania.setting("password", to: password), logger: TestDatabase.logger) }
        #expect(try asRania.run(["contact", "list", "-a", "solo"]).status != 0, "a disabled user cannot connect")
        try asOwner.succeed(["user", "enable", "rania"])
        #expect(try asRania.run(["contact", "list", "-a", "solo"]).status == 0)
    }
}
