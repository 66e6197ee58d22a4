import Foundation
import Postgres
import PostgresServer
import SanadCore
import SanadTestSupport
import Testing

@Suite("Migrations")
struct MigratorTests {
    let configuration: ConnectionConfiguration
    let connection: Connection

    init() throws {
        configuration = try TestDatabase.freshUnmigrated("migrator")
        connection = try TestDatabase.connect(configuration)
    }

    static let first = Migration(owner: "demo", name: "0001_first.sql", sql: "CREATE TABLE first_table (id int);")
    static let second = Migration(owner: "demo", name: "0002_second.sql", sql: "ALTER TABLE first_table ADD COLUMN name text;")

    @Test("pending migrations apply in order, each recorded with its checksum")
    func appliesInOrder() throws {
        let migrator = Migrator(migrations: [Self.first, Self.second])
        #expect(try migrator.status(connection).pending.map(\.identifier) == ["demo/0001_first.sql", "demo/0002_second.sql"])
        let applied = try migrator.migrate(connection, logger: TestDatabase.logger)
        #expect(applied.map(\.identifier) == ["demo/0001_first.sql", "demo/0002_second.sql"])
        let rows = try connection.query("SELECT identifier, length(checksum) FROM schema_migrations ORDER BY applied_at, identifier")
        #expect(try rows.map { try $0.decode(String.self, Int.self) }.map(\.0) == ["demo/0001_first.sql", "demo/0002_second.sql"])
        #expect(try rows[0].decode(Int.self, at: 1) == 64, "a SHA-256 in hex")
        #expect(try connection.query("SELECT name FROM first_table").columns == ["name"])
        #expect(try migrator.migrate(connection, logger: TestDatabase.logger).isEmpty, "running again changes nothing")
        #expect(try migrator.status(connection).isCurrent)
    }

    @Test("a failing migration leaves no trace and stops the ones after it")
    func failingMigrationRollsBack() throws {
        let broken = Migration(owner: "demo", name: "0002_broken.sql", sql: "CREATE TABLE half_done (id int); SELECT * FROM missing_table;")
        let third = Migration(owner: "demo", name: "0003_third.sql", sql: "CREATE TABLE third (id int);")
        let migrator = Migrator(migrations: [Self.first, broken, third])
        let error = #expect(throws: SanadError.self) { try migrator.migrate(connection, logger: TestDatabase.logger) }
        #expect(error?.message.contains("demo/0002_broken.sql") == true)
        #expect(try connection.query("SELECT to_regclass('half_done') IS NULL")[0].decode(Bool.self, at: 0))
        #expect(try connection.query("SELECT to_regclass('third') IS NULL")[0].decode(Bool.self, at: 0))
        #expect(try migrator.status(connection).applied.map(\.identifier) == ["demo/0001_first.sql"])
    }

    @Test("an applied migration whose file changed is an error naming the file")
    func changedChecksumIsDetected() throws {
        try Migrator(migrations: [Self.first]).migrate(connection, logger: TestDatabase.logger)
        let edited = Migration(owner: "demo", name: "0001_first.sql", sql: "CREATE TABLE first_table (id bigint);")
        let migrator = Migrator(migrations: [edited, Self.second])
        #expect(try migrator.status(connection).changed == ["demo/0001_first.sql"])
        let error = #expect(throws: SanadError.self) { try migrator.migrate(connection, logger: TestDatabase.logger) }
        #expect(error?.message.contains("migration demo/0001_first.sql was changed") == true)
        #expect(error?.message.contains("changed") == true)
        #expect(try connection.query("SELECT to_regclass('first_table') IS NOT NULL")[0].decode(Bool.self, at: 0))
        #expect(try connection.query("SELECT count(*) FROM schema_migrations")[0].decode(Int.self, at: 0) == 1)
    }

    @Test("a database migrated by a newer binary is refused")
    func newerDatabaseIsRefused() throws {
        try Migrator(migrations: [Self.first, Self.second]).migrate(connection, logger: TestDatabase.logger)
        let older = Migrator(migrations: [Self.first])
        #expect(try older.status(connection).unknown == ["demo/0002_second.sql"])
        let error = #expect(throws: SanadError.self) { try older.migrate(connection, logger: TestDatabase.logger) }
        #expect(error?.message.contains("newer") == true)
    }

    @Test("two processes migrating at once apply each migration exactly once")
    func concurrentMigrateFromTwoProcesses() throws {
        let process = SanadProcess(database: configuration)
        let children = try (0..<2).map { _ in try process.start(["db", "migrate"]) }
        let outcomes = children.map { $0.wait() }
        #expect(outcomes.map(\.status) == [0, 0], "\(outcomes.map(\.errorOutput))")
        let counts = try connection.query("SELECT count(*), count(DISTINCT identifier) FROM schema_migrations")[0].decode(Int.self, Int.self)
        #expect(counts.0 == TestDatabase.plugins.migrator.migrations.count)
        #expect(counts.0 == counts.1)
        #expect(try TestDatabase.plugins.migrator.status(connection).isCurrent)
    }

    static var root: URL { URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized }

    static func sqlFiles(in folder: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".sql") }.sorted()
    }

    @Test("every SQL file of Schema/core/ is compiled into the binary")
    func coreCatalogMatchesFolder() throws {
        let folders = try FileManager.default.contentsOfDirectory(atPath: Self.root.appendingPathComponent("Schema").path)
            .filter { !$0.hasSuffix(".swift") }
        #expect(folders == ["core"], "plugins keep their migrations in their own folders")
        #expect(try Self.sqlFiles(in: Self.root.appendingPathComponent("Schema/core")) == Migration.bundledFileNames["core"])
    }

    /// Each plugin owns its schema: the SQL files of its folder's `Schema/`, all of them,
    /// in order, under its id; the migrator the installed plugins make applies every one.
    @Test("each installed plugin declares exactly the SQL files of its own Schema folder, and the migrator holds them")
    func pluginsOwnTheirSchema() throws {
        var byFolder: [String: [String]] = [:]
        for folder in try FileManager.default.contentsOfDirectory(atPath: Self.root.appendingPathComponent("Plugins").path) {
            let schema = Self.root.appendingPathComponent("Plugins/\(folder)/Schema")
            guard FileManager.default.fileExists(atPath: schema.path) else { continue }
            byFolder[folder] = try Self.sqlFiles(in: schema)
        }
        let migrator = TestDatabase.plugins.migrator.migrations.map(\.identifier)
        for plugin in TestDatabase.plugins.all {
            let names = plugin.migrations.map(\.name)
            #expect(names == names.sorted(), "\(plugin.id) lists its migrations in order")
            #expect(byFolder.values.contains(names), "\(plugin.id)'s migrations \(names) are the files of one plugin folder: \(byFolder)")
            #expect(plugin.migrations.allSatisfy { $0.owner == plugin.id && migrator.contains($0.identifier) })
        }
        #expect(byFolder.count == TestDatabase.plugins.all.count, "no plugin folder's migrations are left out")
    }
}
