import Foundation
import Postgres
import SanadCore
import SanadTestSupport
import Testing

@Suite("Isolation between associations")
struct IsolationTests {
    let connection: Connection
    let first: Association
    let second: Association

    init() throws {
        connection = try TestDatabase.connect(try TestDatabase.fresh("isolation"))
        let directory = AssociationDirectory(connection: connection)
        first = try directory.create(NewAssociation(slug: "first", name: "First", country: "LB", baseCurrency: "LBP",
                                                    timeZone: "Asia/Beirut", language: "ar"), actor: "test")
        second = try directory.create(NewAssociation(slug: "second", name: "Second", country: "GB", baseCurrency: "GBP",
                                                     timeZone: "Europe/London", language: "en"), actor: "test")
    }

    func session(_ association: Association) -> AssociationSession {
        AssociationSession(association: association, connection: connection, actor: "test", logger: TestDatabase.logger, plugins: TestDatabase.plugins)
    }

    @Test("association work runs as the non-owner application role")
    func runsAsApplicationRole() throws {
        let role = try session(first).transaction { try $0.query("SELECT current_user::text")[0].decode(String.self, at: 0) }
        #expect(role == "sanad_app")
        let superuser = try connection.query("SELECT rolsuper FROM pg_roles WHERE rolname = 'sanad_app'")[0].decode(Bool.self, at: 0)
        let bypass = try connection.query("SELECT rolbypassrls FROM pg_roles WHERE rolname = 'sanad_app'")[0].decode(Bool.self, at: 0)
        #expect(!superuser && !bypass)
    }

    @Test("one association cannot read, change or write another's rows")
    func cannotReachAnotherAssociation() throws {
        try session(first).transaction { try $0.audit("test.first", entity: "test") }
        try session(second).transaction { try $0.audit("test.second", entity: "test") }
        let seen = try session(first).transaction { transaction in
            try transaction.query("SELECT DISTINCT association_id FROM audit_log").map { try $0.decode(Int64.self, at: 0) }
        }
        #expect(seen == [first.id])
        let associations = try session(first).transaction { transaction in
            try transaction.query("SELECT slug FROM associations").map { try $0.decode(String.self, at: 0) }
        }
        #expect(associations == ["first"])
        let renamed = try session(first).transaction { try $0.execute("UPDATE associations SET name = 'taken' WHERE slug = 'second'") }
        #expect(renamed == 0)
        let error = #expect(throws: PostgresError.self) {
            try session(first).transaction { transaction in
                try transaction.execute("INSERT INTO audit_log (association_id, action, entity) VALUES (\(second.id), 'forged', 'test')")
            }
        }
        #expect(error?.sqlState == .insufficientPrivilege, "row-level security refuses the row")
    }

    @Test("without an association set, the application role sees nothing")
    func noAssociationSeesNothing() throws {
        try session(first).transaction { try $0.audit("test.first", entity: "test") }
        let count = try connection.withTransaction { transaction in
            try transaction.query("SELECT set_config('role', 'sanad_app', true)")
            return try transaction.query("SELECT count(*) FROM audit_log")[0].decode(Int.self, at: 0)
        }
        #expect(count == 0)
    }

    @Test("every table with association_id has row-level security and an isolation policy")
    func everyBusinessTableIsIsolated() throws {
        let unprotected = try connection.query("""
            SELECT c.relname::text
            FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'association_id' AND NOT a.attisdropped
            WHERE c.relkind IN ('r', 'p')
              AND (NOT c.relrowsecurity
                   OR NOT EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid))
            ORDER BY 1
            """).map { try $0.decode(String.self, at: 0) }
        #expect(unprotected == [])
        let tables = try connection.query("""
            SELECT count(*) FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
            WHERE a.attname = 'association_id' AND c.relkind = 'r' AND c.relnamespace = 'public'::regnamespace
            """)[0].decode(Int.self, at: 0)
        #expect(tables >= 1)
    }

    @Test("the audit log cannot be rewritten")
    func auditLogIsAppendOnly() throws {
        try session(first).transaction { try $0.audit("test.first", entity: "test") }
        #expect(throws: PostgresError.self) {
            try session(first).transaction { try $0.execute("UPDATE audit_log SET action = 'rewritten'") }
        }
        #expect(throws: PostgresError.self) {
            try connection.execute("DELETE FROM audit_log")
        }
    }
}
