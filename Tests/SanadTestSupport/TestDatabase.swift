internal import Foundation
internal import Glibc
public import Logging
public import Postgres
public import SanadCore
internal import SanadCLI
internal import SanadCommandKit
internal import Synchronization

/// A throwaway PostgreSQL for the whole test process, and a fresh database per suite.
///
/// With `SANAD_TEST_DATABASE_URL` set, tests use that server instead (its user must be
/// allowed to create databases). Otherwise the first test to ask starts a private cluster
/// (as the `postgres` user when run as root) in a temporary folder, listening only on a
/// Unix socket there; it is stopped and removed when the test process exits.
public enum TestDatabase {
    public static let logger: Logger = {
        var logger = Logger(label: "sanad-tests")
        logger.logLevel = .warning
        return logger
    }()

    private struct Server: Sendable {
        var base: ConnectionConfiguration
        var templateName: String
    }

    private static let server = Mutex<Result<Server, SanadError>?>(nil)
    /// The folder to remove at exit (read by a C callback, hence a global).
    nonisolated(unsafe) private static var clusterDirectory: String?

    /// A new database with every migration (core and plugins) applied.
    public static func fresh(_ label: String = "suite") throws -> ConnectionConfiguration {
        let server = try startedServer()
        return try createDatabase(label, template: server.templateName, server: server)
    }

    /// A new, empty database (for testing the migrator itself).
    public static func freshUnmigrated(_ label: String = "raw") throws -> ConnectionConfiguration {
        try createDatabase(label, template: "template0", server: try startedServer())
    }

    /// A cluster of the test's own (for tests that stop or restart the server), with a
    /// migrated `sanad` database. The caller destroys it.
    /// The plugins of the real binary, for sessions and migrations a test opens itself.
    public static let plugins = InstalledPlugins(commandPlugins: installedPlugins)

    public static func privateCluster(_ label: String) throws -> (LocalCluster, ConnectionConfiguration) {
        let directory = "/tmp/sanad-test-\(label)-\(getpid())-\(String(UInt32.random(in: 0...UInt32.max), radix: 36))"
        let cluster = LocalCluster(directory: directory, durable: false)
        let configuration = try cluster.ensureRunning(logger: logger)
        try plugins.migrator.migrate(try connect(configuration), logger: logger)
        return (cluster, configuration)
    }

    public static func connect(_ configuration: ConnectionConfiguration) throws -> Connection {
        try Connection.connect(configuration, logger: logger)
    }

    /// A `postgresql://` style conninfo string for child `sanad` processes.
    public static func conninfo(_ configuration: ConnectionConfiguration) -> String {
        configuration.parameters.map { parameter in
            let escaped = parameter.value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'")
            return "\(parameter.keyword)='\(escaped)'"
        }.joined(separator: " ")
    }

    /// Clusters of earlier test processes that crashed before their exit handler ran
    /// (`/tmp/sanad-test-…-PID-…` whose PID is gone): stopped and removed.
    private static func removeAbandonedClusters() {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: "/tmp") else { return }
        for name in names where name.hasPrefix("sanad-test-") {
            let parts = name.split(separator: "-")
            guard parts.count >= 4, let owner = Int32(parts[parts.count - 2]), owner != getpid(),
                  kill(owner, 0) != 0, errno == ESRCH else { continue }
            try? LocalCluster(directory: "/tmp/" + name, durable: false).destroy(logger: logger)
        }
    }

    private static func createDatabase(_ label: String, template: String, server: Server) throws -> ConnectionConfiguration {
        let name = "t_" + label.lowercased().filter { $0.isLetter || $0.isNumber || $0 == "_" }.prefix(30)
            + "_" + String(UInt32.random(in: 0...UInt32.max), radix: 36)
        let admin = try connect(server.base)
        try admin.execute("CREATE DATABASE \(identifier: name) TEMPLATE \(identifier: template)")
        return server.base.database(name)
    }

    private static func startedServer() throws -> Server {
        try server.withLock { state in
            if let state { return try state.get() }
            do {
                let started = try startServer()
                state = .success(started)
                return started
            } catch let error as SanadError {
                state = .failure(error)
                throw error
            }
        }
    }

    private static func startServer() throws -> Server {
        removeAbandonedClusters()
        let base: ConnectionConfiguration
        if let url = ProcessInfo.processInfo.environment["SANAD_TEST_DATABASE_URL"], !url.isEmpty {
            base = .url(url)
        } else {
            let directory = "/tmp/sanad-test-\(getpid())-\(String(UInt32.random(in: 0...UInt32.max), radix: 36))"
            let cluster = LocalCluster(directory: directory, durable: false)
            clusterDirectory = directory
            atexit {
                guard let directory = TestDatabase.clusterDirectory else { return }
                try? LocalCluster(directory: directory, durable: false).destroy(logger: TestDatabase.logger)
            }
            try cluster.ensureRunning(logger: logger)
            base = cluster.connectionConfiguration(database: "postgres")
        }
        let templateName = "sanad_template_\(getpid())"
        let admin = try connect(base)
        try admin.execute("DROP DATABASE IF EXISTS \(identifier: templateName)")
        try admin.execute("""
            CREATE DATABASE \(identifier: templateName) TEMPLATE template0 ENCODING 'UTF8'
            LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'
            """)
        let template = try connect(base.database(templateName))
        try plugins.migrator.migrate(template, logger: logger)
        return Server(base: base, templateName: templateName)
    }
}
