import Foundation
import Postgres
import PostgresServer
import SanadCore
import SanadTestSupport
import Testing

// The limits stop a hang, not a slow initdb: in CI every suite shares two cores.
@Suite("sanad db and association commands")
struct DatabaseCommandTests {
    @Test("with no database configured, db status works and the local cluster starts on first use",
          .timeLimit(.minutes(5)))
    func zeroConfiguration() throws {
        let home = "/tmp/sanad-home-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        // As root the cluster lives under /var/lib/sanad by default; point it into the test's folder.
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("PG") && !$0.key.hasPrefix("SANAD_") }
        environment["HOME"] = home
        environment["XDG_DATA_HOME"] = home + "/data"
        if SystemUser.isRoot { environment["SANAD_DATA_DIR"] = home + "/data/sanad" }
        let sanad = SanadProcess(environment: environment)
        let cluster = LocalCluster(directory: environment["SANAD_DATA_DIR"] ?? home + "/data/sanad")
        defer {
            try? cluster.destroy(logger: TestDatabase.logger)
            try? FileManager.default.removeItem(atPath: home)
        }

        let before = try sanad.run(["db", "status"])
        #expect(before.status == 0, "\(before.stderr)")
        #expect(before.stdout.contains("not created yet"))

        let created = try sanad.run(["association", "add", "demo-one", "--name", "جمعية تجريبية", "--country", "LB",
                                     "--currency", "LBP", "--time-zone", "Asia/Beirut", "--language", "ar"])
        #expect(created.status == 0, "\(created.stderr)")

        let status = try sanad.json(["db", "status"]) as? [String: Any]
        #expect((status?["server"] as? String)?.hasPrefix("running") == true)
        #expect(status?["pending"] as? Int == 0)

        let again = try sanad.json(["association", "list"]) as? [[String: Any]]
        #expect(again?.map { $0["slug"] as? String } == ["demo-one"], "a second call reuses the running server")
        #expect(again?.first?["name"] as? String == "جمعية تجريبية")
    }

    @Test("a database that is behind must be migrated explicitly")
    func configuredDatabaseIsNotMigratedSilently() throws {
        let sanad = SanadProcess(database: try TestDatabase.freshUnmigrated("behind"))
        let listing = try sanad.run(["association", "list"])
        #expect(listing.status == 1)
        #expect(listing.stderr.contains("sanad db migrate"))
        try sanad.succeed(["db", "migrate"])
        #expect(try sanad.run(["association", "list"]).status == 0)
    }

    @Test("exit codes: 0 success, 1 failure, 2 usage")
    func exitCodes() throws {
        let sanad = SanadProcess(database: try TestDatabase.fresh("exitcodes"))
        #expect(try sanad.run(["--help"]).status == 0)
        #expect(try sanad.run(["association", "add"]).status == 2)
        #expect(try sanad.run(["no-such-command"]).status == 2)
        #expect(try sanad.run(["association", "list", "--format", "xml"]).status == 2)
        let missing = try sanad.run(["association", "show", "nobody"])
        #expect(missing.status == 1)
        #expect(missing.stderr.hasPrefix("error: "))
        #expect(missing.stderr.contains("hint: "))
    }

    @Test("association add validates every field with a clear message")
    func associationValidation() throws {
        let sanad = SanadProcess(database: try TestDatabase.fresh("assocvalid"))
        let base = ["association", "add", "ok-slug", "--name", "Name", "--country", "LB", "--currency", "LBP",
                    "--time-zone", "Asia/Beirut", "--language", "ar"]
        func replacing(_ option: String, with value: String) -> [String] {
            var arguments = base
            arguments[arguments.firstIndex(of: option)! + 1] = value
            return arguments
        }
        let cases: [([String], String)] = [
            (base.map { $0 == "ok-slug" ? "Bad Slug!" : $0 }, "slug"),
            (replacing("--country", with: "ZZ"), "country"),
            (replacing("--currency", with: "DOLLARS"), "currency"),
            (replacing("--time-zone", with: "Mars/Olympus"), "time zone"),
            (replacing("--language", with: "arabic"), "language"),
            (replacing("--name", with: "\u{202E}evil"), "direction-control"),
        ]
        for (arguments, word) in cases {
            let result = try sanad.run(arguments)
            #expect(result.status == 1, "\(arguments)")
            #expect(result.stderr.contains(word), "\(result.stderr)")
        }
        try sanad.succeed(base)
        let duplicate = try sanad.run(base)
        #expect(duplicate.status == 1)
        #expect(duplicate.stderr.contains("already exists"))
        let listed = try sanad.json(["association", "list"]) as? [[String: Any]]
        #expect(listed?.count == 1, "failed attempts wrote nothing")
    }
}

@Suite("Local clusters made before users and roles")
struct LocalClusterUpgradeTests {
    @Test("an existing local cluster keeps working: migrated on the next command, its user admin of every association",
          .timeLimit(.minutes(5)))
    func upgradesInPlace() throws {
        let home = "/tmp/sanad-upgrade-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("PG") && !$0.key.hasPrefix("SANAD_") }
        environment["HOME"] = home
        environment["SANAD_DATA_DIR"] = home + "/sanad"
        let cluster = LocalCluster(directory: home + "/sanad", durable: false)
        defer {
            try? cluster.destroy(logger: TestDatabase.logger)
            try? FileManager.default.removeItem(atPath: home)
        }
        // The cluster as the previous Sanad left it: migrations up to users and roles, an
        // association with a contact, written by the owner as that Sanad did.
        let owner = try SanadConnection.connect(try cluster.ensureRunning(logger: TestDatabase.logger), logger: TestDatabase.logger)
        let newer = ["0014_people.sql", "0003_audit_roles.sql"]
        let before = Migrator(migrations: TestDatabase.plugins.migrator.migrations.filter { migration in
            !newer.contains { migration.identifier.hasSuffix("/" + $0) || migration.identifier == $0 }
        })
        try before.migrate(owner, logger: TestDatabase.logger)
        #expect(try owner.query("SELECT to_regclass('sanad_users') IS NULL")[0].decode(Bool.self, at: 0))
        let id = try owner.query("""
            INSERT INTO associations (slug, name, country, phone_region, base_currency, time_zone, language)
            VALUES ('old-friends', 'جمعية الأصدقاء', 'LB', 'LB', 'LBP', 'Asia/Beirut', 'ar') RETURNING id
            """)[0].decode(Int64.self, at: 0)
        try owner.execute("""
            INSERT INTO contacts (association_id, display_name, name_key, name_skeleton, keys_version)
            VALUES (\(id), 'ليلى حداد', 'ليلى حداد', 'LLHDD', 3)
            """)

        let sanad = SanadProcess(environment: environment)
        let listed = try sanad.run(["contact", "list", "-a", "old-friends", "--format", "json"])
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(listed.stdout.contains("ليلى حداد"))
        let identity = try sanad.json(["whoami"]) as? [String: Any]
        #expect(identity?["user"] as? String == LocalCluster.person)
        let memberships = identity?["memberships"] as? [[String: Any]] ?? []
        #expect(memberships.first?["association"] as? String == "old-friends")
        #expect(memberships.first?["roles"] as? [String] == ["admin"])
        let added = try sanad.run(["association", "add", "new-friends", "--name", "New Friends", "--country", "GB"])
        #expect(added.status == 0, "\(added.stderr)")
        #expect(try sanad.run(["contact", "add", "Omar Haddad", "-a", "new-friends"]).status == 0,
                "the local user is admin of an association it adds too")
    }
}
