internal import Foundation
internal import Glibc
public import Logging
public import Postgres

/// Sanad's own PostgreSQL cluster, used when no database is configured.
///
/// It lives in one directory (`pgdata/`, the socket in `run/`, `postgres.log`), listens only
/// on a Unix socket there, and is created UTF-8 with `C.UTF-8` collation and ctype. As root
/// the server runs as the `postgres` user, which owns the directory.
public struct LocalCluster: Sendable {
    /// The cluster's home.
    public let directory: String
    public let port: Int
    /// Trades crash safety for speed (no fsync): for throwaway test clusters only.
    public let durable: Bool

    /// The superuser initdb creates; Sanad connects as it and switches to `sanad_app` for
    /// association work.
    public static let superuser = "sanad"
    public static let databaseName = "sanad"
    /// The account the server runs as when Sanad runs as root.
    static let serverAccountWhenRoot = "postgres"

    public init(directory: String, port: Int = 5432, durable: Bool = true) {
        self.directory = directory
        self.port = port
        self.durable = durable
    }

    public var dataDirectory: String { directory + "/pgdata" }
    public var socketDirectory: String { directory + "/run" }
    public var logFile: String { directory + "/postgres.log" }

    /// `$XDG_DATA_HOME/sanad`, else `~/.local/share/sanad`; `/var/lib/sanad` as root, because
    /// the `postgres` user cannot enter root's home.
    public static func defaultDirectory(environment: [String: String]) -> String {
        if let explicit = environment["SANAD_DATA_DIR"], !explicit.isEmpty { return explicit }
        if SystemUser.isRoot { return "/var/lib/sanad" }
        if let xdg = environment["XDG_DATA_HOME"], xdg.hasPrefix("/") { return xdg + "/sanad" }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return home + "/.local/share/sanad"
    }

    /// How to reach the cluster's `sanad` database.
    public func connectionConfiguration(database: String = LocalCluster.databaseName) -> ConnectionConfiguration {
        .unixSocket(directory: socketDirectory, port: port, database: database, user: Self.superuser)
    }

    public enum State: Equatable, Sendable {
        case notInitialized
        case stopped
        case running(processID: Int32)
    }

    /// Whether the cluster exists and whether its server runs.
    public func state() throws -> State {
        guard FileManager.default.fileExists(atPath: dataDirectory + "/PG_VERSION") else { return .notInitialized }
        let binaries = try PostgresBinaries.locate()
        let outcome = try ProcessRunner.run(binaries.pgCtl, ["status", "-D", dataDirectory], asUser: serverAccount)
        if outcome.status == 0, let pid = runningProcessID() { return .running(processID: pid) }
        return .stopped
    }

    /// Connects to the `sanad` database, first creating the cluster, starting its server or
    /// creating the database as needed. Safe to call from several processes at once.
    public func connect(logger: Logger) throws -> Connection {
        // The common case, a running server, costs one connection attempt and no child process.
        if let connection = try? SanadConnection.connect(connectionConfiguration(), logger: logger) {
            return connection
        }
        return try SanadConnection.connect(ensureRunning(logger: logger), logger: logger)
    }

    /// Creates the cluster if it does not exist, starts it if it is not running, and creates
    /// the `sanad` database. Safe to call from several processes at once.
    ///
    /// - Returns: how to connect to the `sanad` database.
    @discardableResult
    public func ensureRunning(logger: Logger) throws -> ConnectionConfiguration {
        try prepareDirectory()
        let lock = try FileLock(path: directory + "/cluster.lock")
        defer { withExtendedLifetime(lock) {} }
        if try state() == .notInitialized {
            try initialize(logger: logger)
        }
        if case .running = try state() {} else {
            try start(logger: logger)
        }
        try createDatabaseIfMissing(logger: logger)
        return connectionConfiguration()
    }

    /// Stops the server (fast shutdown: running transactions roll back).
    public func stop(logger: Logger) throws {
        guard case .running = try state() else { return }
        let binaries = try PostgresBinaries.locate()
        let outcome = try ProcessRunner.run(binaries.pgCtl, ["stop", "-D", dataDirectory, "-m", "fast", "-w", "-t", "60"],
                                            asUser: serverAccount)
        guard outcome.status == 0 else {
            throw SanadError.failure("PostgreSQL did not stop: \(outcome.output.lastLine)", hint: "see \(logFile)")
        }
        logger.info("local PostgreSQL stopped")
    }

    /// Stops the server and deletes the whole directory.
    public func destroy(logger: Logger) throws {
        try? stop(logger: logger)
        try? FileManager.default.removeItem(atPath: directory)
    }

    // MARK: Steps

    private var serverAccount: String? {
        SystemUser.isRoot ? Self.serverAccountWhenRoot : nil
    }

    private func prepareDirectory() throws {
        let manager = FileManager.default
        do {
            // Parents keep default permissions so the postgres user can pass through them.
            let parent = (directory as NSString).deletingLastPathComponent
            try manager.createDirectory(atPath: parent, withIntermediateDirectories: true)
            for path in [directory, socketDirectory] where !manager.fileExists(atPath: path) {
                try manager.createDirectory(atPath: path, withIntermediateDirectories: false,
                                            attributes: [.posixPermissions: 0o700])
            }
        } catch {
            throw SanadError.failure("cannot create the data directory \(directory)",
                                     hint: "set SANAD_DATA_DIR to a writable folder, or SANAD_DATABASE_URL to use another server")
        }
        if SystemUser.isRoot {
            guard let account = SystemUser.named(Self.serverAccountWhenRoot) else {
                throw SanadError.failure("running as root, Sanad needs the postgres user to run PostgreSQL",
                                         hint: "install the server with: apt-get install postgresql")
            }
            for path in [directory, socketDirectory] {
                chown(path, account.uid, account.gid)
            }
            if manager.fileExists(atPath: dataDirectory) { chown(dataDirectory, account.uid, account.gid) }
            if !manager.fileExists(atPath: logFile) { _ = manager.createFile(atPath: logFile, contents: nil) }
            chown(logFile, account.uid, account.gid)
        }
    }

    private func initialize(logger: Logger) throws {
        let binaries = try PostgresBinaries.locate()
        logger.info("initializing local PostgreSQL", metadata: ["directory": "\(dataDirectory)"])
        try? FileManager.default.removeItem(atPath: dataDirectory)
        var arguments = ["-D", dataDirectory, "--username=\(Self.superuser)", "--auth=trust",
                         "--encoding=UTF8", "--locale=C.UTF-8"]
        if !durable { arguments.append("--no-sync") }
        let outcome = try ProcessRunner.run(binaries.initdb, arguments, asUser: serverAccount)
        guard outcome.status == 0 else {
            throw SanadError.failure("initdb failed: \(outcome.output.lastLine)",
                                     hint: "check that the C.UTF-8 locale exists (locale -a) and that \(directory) is writable")
        }
        var settings = """

            # Added by Sanad: a private server reachable only through its own socket.
            listen_addresses = ''
            unix_socket_directories = '\(socketDirectory.replacingScalar("'", with: "''"))'
            port = \(port)
            """
        if !durable {
            settings += "\nfsync = off\nsynchronous_commit = off\nfull_page_writes = off\nmax_connections = 200\n"
        }
        let configuration = try FileHandle(forWritingTo: URL(fileURLWithPath: dataDirectory + "/postgresql.conf"))
        defer { try? configuration.close() }
        try configuration.seekToEnd()
        try configuration.write(contentsOf: Data(settings.utf8))
    }

    private func start(logger: Logger) throws {
        let binaries = try PostgresBinaries.locate()
        let arguments = ["start", "-D", dataDirectory, "-l", logFile, "-w", "-t", "60"]
        var outcome = try ProcessRunner.run(binaries.pgCtl, arguments, asUser: serverAccount)
        if outcome.status != 0, removeStalePidFile(logger: logger) {
            outcome = try ProcessRunner.run(binaries.pgCtl, arguments, asUser: serverAccount)
        }
        guard outcome.status == 0 else {
            throw SanadError.failure("the local PostgreSQL server did not start: \(outcome.output.lastLine)",
                                     hint: "see \(logFile)")
        }
        logger.info("local PostgreSQL started", metadata: ["socket": "\(socketDirectory)"])
    }

    /// A crash can leave `postmaster.pid` behind naming a process id that now belongs to
    /// something else; the server then refuses to start. Removes such a file.
    private func removeStalePidFile(logger: Logger) -> Bool {
        let pidFile = dataDirectory + "/postmaster.pid"
        guard FileManager.default.fileExists(atPath: pidFile) else { return false }
        if let pid = runningProcessID(), isPostgresProcess(pid) { return false }
        logger.warning("removing a stale postmaster.pid left by a crash")
        return (try? FileManager.default.removeItem(atPath: pidFile)) != nil
    }

    private func runningProcessID() -> Int32? {
        guard let text = TextFile.read(dataDirectory + "/postmaster.pid"),
              let first = text.split(separator: "\n").first, let pid = Int32(first) else { return nil }
        return pid
    }

    private func isPostgresProcess(_ pid: Int32) -> Bool {
        guard let name = TextFile.read("/proc/\(pid)/comm") else { return false }
        return name.hasPrefix("postgres")
    }

    private func createDatabaseIfMissing(logger: Logger) throws {
        let connection = try SanadConnection.connect(connectionConfiguration(database: "postgres"), logger: logger)
        let exists = try connection.query("SELECT 1 FROM pg_database WHERE datname = \(Self.databaseName)").count > 0
        guard !exists else { return }
        try connection.execute("""
            CREATE DATABASE \(identifier: Self.databaseName) TEMPLATE template0 ENCODING 'UTF8'
            LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'
            """)
    }
}

/// Where PostgreSQL's server programs are.
struct PostgresBinaries {
    var directory: String
    var initdb: String { directory + "/initdb" }
    var pgCtl: String { directory + "/pg_ctl" }

    /// `SANAD_PG_BINDIR`, else the newest `/usr/lib/postgresql/N/bin` (Debian's layout), else
    /// the folder of `pg_ctl` on `PATH`.
    static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> PostgresBinaries {
        let manager = FileManager.default
        if let explicit = environment["SANAD_PG_BINDIR"], manager.isExecutableFile(atPath: explicit + "/pg_ctl") {
            return PostgresBinaries(directory: explicit)
        }
        let debianRoot = "/usr/lib/postgresql"
        if let versions = try? manager.contentsOfDirectory(atPath: debianRoot) {
            let newest = versions.compactMap(Int.init).sorted().reversed()
                .first { manager.isExecutableFile(atPath: "\(debianRoot)/\($0)/bin/initdb") }
            if let newest { return PostgresBinaries(directory: "\(debianRoot)/\(newest)/bin") }
        }
        for folder in (environment["PATH"] ?? "").split(separator: ":") {
            if manager.isExecutableFile(atPath: "\(folder)/pg_ctl"), manager.isExecutableFile(atPath: "\(folder)/initdb") {
                return PostgresBinaries(directory: String(folder))
            }
        }
        throw SanadError.failure(
            "PostgreSQL's server programs (initdb, pg_ctl) were not found",
            hint: "install them with: sudo apt-get install postgresql  — or set SANAD_DATABASE_URL to use an existing server")
    }
}

extension String {
    /// The last non-empty line, for quoting a tool's final complaint.
    var lastLine: String {
        split(separator: "\n").last.map(String.init) ?? self
    }
}
