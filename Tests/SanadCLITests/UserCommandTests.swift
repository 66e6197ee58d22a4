import Foundation
import Postgres
import SanadCore
import SanadTestSupport
import Testing

@Suite("sanad user and whoami")
struct UserCommandTests {
    let fixture: TripoliFixture
    let owner: Connection
    let suffix = String(UInt32.random(in: 0...UInt32.max), radix: 36)

    init() throws {
        fixture = try TripoliFixture("users")
        owner = try fixture.connect()
    }

    @Test("a user is added with roles, listed, shown, granted, revoked and removed; each step is in the audit log")
    func lifecycle() throws {
        let sanad = fixture.sanad
        let name = "huda-" + suffix
        let added = try sanad.decode(SanadUser.self, ["user", "add", name, "-a", "tripoli", "--role", "staff", "--role", "auditor"])
        #expect(added.memberships == [Membership(association: "tripoli", roles: [.staff, .auditor], contactID: nil)])
        let role = try owner.query("""
            SELECT rolcanlogin, rolsuper, rolcreaterole, rolbypassrls FROM pg_roles WHERE rolname = \(name)
            """)[0].decode(Bool.self, Bool.self, Bool.self, Bool.self)
        #expect(role == (true, false, false, false), "a plain login role")
        let groups = try owner.query("""
            SELECT g.rolname::text FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles u ON u.oid = m.member
            WHERE u.rolname = \(name) ORDER BY 1
            """).map { try $0.decode(String.self, at: 0) }
        #expect(groups == ["sanad_auditor", "sanad_staff"])

        let listed = try sanad.decode([SanadUserSummary].self, ["user", "list", "-a", "tripoli"])
        #expect(listed.contains(SanadUserSummary(name: name, disabled: false, roles: "tripoli: auditor, tripoli: staff")))
        let csv = try sanad.succeed(["user", "list", "--format", "csv"])
        #expect(csv.hasPrefix("name,disabled,roles"))

        try sanad.succeed(["user", "revoke", name, "-a", "tripoli", "--role", "auditor"])
        let shown = try sanad.decode(SanadUser.self, ["user", "show", name])
        #expect(shown.memberships.first?.roles == [.staff])
        let remaining = try owner.query("""
            SELECT g.rolname::text FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles u ON u.oid = m.member
            WHERE u.rolname = \(name) ORDER BY 1
            """).map { try $0.decode(String.self, at: 0) }
        #expect(remaining == ["sanad_staff"], "revoking takes the group role away")

        #expect(try sanad.run(["user", "remove", name]).status == 2, "removal asks for --yes")
        try sanad.succeed(["user", "remove", name, "--yes"])
        #expect(try owner.query("SELECT count(*) FROM pg_roles WHERE rolname = \(name)")[0].decode(Int.self, at: 0) == 0)
        let logged = try owner.query("""
            SELECT action FROM audit_log WHERE entity = 'users' AND details ->> 'user' = \(name) ORDER BY id
            """).map { try $0.decode(String.self, at: 0) }
        #expect(logged == ["user.grant", "user.grant", "user.revoke", "user.remove"])
    }

    @Test("bad names, taken names, powerful roles and unknown roles are refused with a clear message")
    func refusals() throws {
        let sanad = fixture.sanad
        let cases: [([String], String)] = [
            (["user", "add", "Bad Name!"], "cannot be a user name"),
            (["user", "add", "sanad_admin"], "cannot be a user name"),
            (["user", "add", "pg_monitor"], "cannot be a user name"),
            (["user", "add", "x-" + suffix, "--role", "staff"], "needs the association"),
            (["user", "add", "y-" + suffix, "-a", "tripoli", "--role", "boss"], "boss"),
            (["user", "show", "nobody-" + suffix], "no user is named"),
            (["user", "grant", TestDatabase.testUser, "-a", "nowhere", "--role", "staff"], "no association"),
        ]
        for (arguments, expected) in cases {
            let result = try sanad.run(arguments)
            #expect(result.status != 0, "\(arguments)")
            #expect(result.stderr.contains(expected), "\(arguments): \(result.stderr)")
        }
        let powerful = "powerful-" + suffix
        try owner.execute("CREATE ROLE \(identifier: powerful) LOGIN CREATEROLE")
        defer { _ = try? owner.execute("DROP ROLE \(identifier: powerful)") }
        let adopted = try sanad.run(["user", "add", powerful])
        #expect(adopted.status == 1)
        #expect(adopted.stderr.contains("powers no Sanad user may have"), "\(adopted.stderr)")
        let again = try sanad.run(["user", "add", TestDatabase.testUser])
        #expect(again.stderr.contains("exists already"), "\(again.stderr)")
    }

    @Test("whoami names the login and its roles; user administration needs the owner")
    func whoami() throws {
        let identity = try fixture.sanad.decode(Identity.self, ["whoami"])
        #expect(identity.user == TestDatabase.testUser)
        #expect(!identity.isOwner)
        #expect(identity.memberships.contains(Membership(association: "tripoli", roles: [.admin], contactID: nil)))
        let table = try fixture.sanad.succeed(["whoami"])
        #expect(table.contains("tripoli: admin"))
        var withoutOwner = fixture.sanad
        withoutOwner.environment["SANAD_OWNER_URL"] = nil
        let refused = try withoutOwner.run(["user", "add", "z-" + suffix])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("needs the database owner"), "\(refused.stderr)")
        #expect(refused.stderr.contains("SANAD_OWNER_URL"))
    }
}
