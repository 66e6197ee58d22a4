internal import Foundation
internal import Glibc
public import Logging
public import Postgres
internal import PostgresServer
internal import PostgresTestSupport
public import SanadCore
internal import SanadCLI
internal import SanadCommandKit
internal import Synchronization

/// Sanad's databases for tests, on the process's throwaway PostgreSQL (``ThrowawayPostgres``):
/// each suite gets a fresh copy of a template migrated once with every migration of the
/// installed plugins.
///
/// With `SANAD_TEST_DATABASE_URL` set, tests use that server instead (its user must be
/// allowed to create databases).
public enum TestDatabase {
    public static var logger: Logger { ThrowawayPostgres.logger }

    /// The plugins of the real binary, for sessions and migrations a test opens itself.
    public static let plugins = InstalledPlugins(commandPlugins: installedPlugins)

    private static let template = Mutex<Result<String, any Error>?>(nil)
    static var externalURL: String? { ProcessInfo.processInfo.environment["SANAD_TEST_DATABASE_URL"] }

    /// A new database with every migration (core and plugins) applied.
    public static func fresh(_ label: String = "suite") throws -> ConnectionConfiguration {
        try ThrowawayPostgres.createDatabase(label, template: try migratedTemplate(), externalURL: externalURL)
    }

    /// A new, empty database (for testing the migrator itself).
    public static func freshUnmigrated(_ label: String = "raw") throws -> ConnectionConfiguration {
        // The template makes the test user's role, which the command line logs in as.
        _ = try migratedTemplate()
        return try ThrowawayPostgres.createDatabase(label, externalURL: externalURL)
    }

    /// A Sanad cluster of the test's own (for tests that stop or restart the server), with a
    /// migrated `sanad` database. The caller destroys it.
    public static func privateCluster(_ label: String) throws -> (LocalCluster, ConnectionConfiguration) {
        let directory = ThrowawayPostgres.privateCluster(label).directory
        let cluster = LocalCluster(directory: directory, durable: false)
        let configuration = try cluster.ensureRunning(logger: logger)
        let owner = try connect(configuration)
        try plugins.migrator.migrate(owner, logger: logger)
        try UserDirectory(owner: owner).add(testUser, association: nil, roles: [])
        return (cluster, configuration)
    }

    /// The Sanad user the command line runs as in tests: a plain login role, never the
    /// owner, so every command test also proves the command works under PostgreSQL's rules
    /// for people. `association add` makes it the admin of each association it creates.
    public static let testUser = "test-admin"

    /// The same database, logged in as `user` (trusted on the throwaway cluster's socket).
    public static func asUser(_ configuration: ConnectionConfiguration, _ user: String = testUser) -> ConnectionConfiguration {
        configuration.setting("user", to: user)
    }

    /// A connection with Sanad's session settings, as the binary makes them.
    public static func connect(_ configuration: ConnectionConfiguration) throws -> Connection {
        try SanadConnection.connect(configuration, logger: logger)
    }

    /// A `postgresql://` style conninfo string for child `sanad` processes.
    public static func conninfo(_ configuration: ConnectionConfiguration) -> String {
        configuration.parameters.map { parameter in
            let escaped = parameter.value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'")
            return "\(parameter.keyword)='\(escaped)'"
        }.joined(separator: " ")
    }

    /// The template every fresh database copies: made and migrated once per test process.
    private static func migratedTemplate() throws -> String {
        try template.withLock { state in
            if let state { return try state.get() }
            do {
                let name = "sanad_template_\(getpid())"
                let base = try ThrowawayPostgres.server(externalURL: externalURL)
                let admin = try connect(base)
                try admin.execute("DROP DATABASE IF EXISTS \(identifier: name)")
                try admin.execute("""
                    CREATE DATABASE \(identifier: name) TEMPLATE template0 ENCODING 'UTF8'
                    LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'
                    """)
                let template = try connect(base.database(name))
                try plugins.migrator.migrate(template, logger: logger)
                // Every copy knows the test administrator; its role belongs to the cluster and
                // holds every group role from the start, so no two suites race to grant one.
                try UserDirectory(owner: template).add(testUser, association: nil, roles: [])
                for role in AssociationRole.allCases {
                    try template.execute("GRANT \(identifier: role.groupRole) TO \(identifier: testUser)")
                }
                state = .success(name)
                return name
            } catch {
                state = .failure(error)
                throw error
            }
        }
    }
}
