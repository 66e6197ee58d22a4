internal import Foundation
internal import Glibc
public import Logging
public import Postgres
public import PostgresServer
internal import Synchronization

/// A throwaway PostgreSQL for the whole test process, and new databases on it; knows nothing
/// of Sanad.
///
/// With an external URL (the caller's choice, such as an environment variable), tests use
/// that server (its user must be allowed to create databases). Otherwise the first test to
/// ask starts a private cluster (as the `postgres` user when run as root) in a temporary
/// folder, listening only on a Unix socket there, without fsync; it is stopped and removed
/// when the test process exits, and clusters of crashed earlier runs are removed first.
public enum ThrowawayPostgres {
    public static let logger: Logger = {
        var logger = Logger(label: "postgres-tests")
        logger.logLevel = .warning
        return logger
    }()

    private static let server = Mutex<Result<ConnectionConfiguration, PostgresServerError>?>(nil)
    /// The folder to remove at exit (read by a C callback, hence a global).
    nonisolated(unsafe) private static var clusterDirectory: String?
    static let prefix = "/tmp/pg-test-"

    /// The server's `postgres` database, the server started on first use.
    public static func server(externalURL: String? = nil) throws -> ConnectionConfiguration {
        try server.withLock { state in
            if let state { return try state.get() }
            do {
                let started = try start(externalURL: externalURL)
                state = .success(started)
                return started
            } catch let error as PostgresServerError {
                state = .failure(error)
                throw error
            }
        }
    }

    /// A new database named after `label` (UTF-8, `C.UTF-8`), copied from `template`.
    public static func createDatabase(_ label: String, template: String = "template0", externalURL: String? = nil) throws -> ConnectionConfiguration {
        let base = try server(externalURL: externalURL)
        let name = "t_" + label.lowercased().filter { $0.isLetter || $0.isNumber || $0 == "_" }.prefix(30)
            + "_" + String(UInt32.random(in: 0...UInt32.max), radix: 36)
        let admin = try connect(base)
        if template == "template0" {
            try admin.execute("""
                CREATE DATABASE \(identifier: name) TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'
                """)
        } else {
            try admin.execute("CREATE DATABASE \(identifier: name) TEMPLATE \(identifier: template)")
        }
        return base.database(name)
    }

    /// A cluster of the test's own, not yet started (for tests that stop or restart the
    /// server). The caller destroys it.
    public static func privateCluster(_ label: String, superuser: String = "tester") -> PostgresCluster {
        PostgresCluster(directory: prefix + "\(label)-\(getpid())-\(String(UInt32.random(in: 0...UInt32.max), radix: 36))",
                        superuser: superuser, durable: false)
    }

    public static func connect(_ configuration: ConnectionConfiguration, settings: [SessionSetting] = []) throws -> Connection {
        try Connection.connect(configuration, settings: settings, logger: logger)
    }

    private static func start(externalURL: String?) throws -> ConnectionConfiguration {
        if let externalURL, !externalURL.isEmpty { return .url(externalURL) }
        removeAbandonedClusters()
        let cluster = PostgresCluster(directory: prefix + "\(getpid())-\(String(UInt32.random(in: 0...UInt32.max), radix: 36))",
                                      superuser: "tester", durable: false)
        clusterDirectory = cluster.directory
        atexit {
            guard let directory = ThrowawayPostgres.clusterDirectory else { return }
            try? PostgresCluster(directory: directory, superuser: "tester", durable: false).destroy(logger: ThrowawayPostgres.logger)
        }
        return try cluster.ensureRunning(database: "postgres", logger: logger)
    }

    /// Clusters of earlier test processes that crashed before their exit handler ran
    /// (`/tmp/pg-test-…-PID-…` whose PID is gone): stopped and removed.
    private static func removeAbandonedClusters() {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: "/tmp") else { return }
        for name in names where ("/tmp/" + name).hasPrefix(prefix) {
            let parts = name.split(separator: "-")
            guard parts.count >= 4, let owner = Int32(parts[parts.count - 2]), owner != getpid(),
                  kill(owner, 0) != 0, errno == ESRCH else { continue }
            try? PostgresCluster(directory: "/tmp/" + name, superuser: "tester", durable: false).destroy(logger: logger)
        }
    }
}
