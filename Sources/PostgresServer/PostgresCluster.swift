internal import Foundation
internal import Glibc
public import Logging
public import Postgres

/// A private PostgreSQL cluster in one directory (`pgdata/`, the socket in `run/`,
/// `postgres.log`), listening only on a Unix socket there and created UTF-8 with `C.UTF-8`
/// collation and ctype. As root the server runs as the `postgres` user, which owns the
/// directory (PostgreSQL refuses to run as root).
///
/// Sanad's own local cluster and the test suites' throwaway clusters are both this; the
/// policy (where it lives, its superuser's name, which database to create) is the caller's.
///
/// ```swift
/// let cluster = PostgresCluster(directory: "/tmp/pg-test", superuser: "tester", durable: false)
/// let configuration = try cluster.ensureRunning(database: "app", logger: logger)
/// ```
public struct PostgresCluster: Sendable {
    /// The cluster's home.
    public let directory: String
    public let port: Int
    /// The superuser initdb creates (trusted on the socket, which only this account can reach).
    public let superuser: String
    /// Trades crash safety for speed (no fsync): for throwaway clusters only.
    public let durable: Bool
    /// Where `initdb` and `pg_ctl` are; found on their own when nil.
    public let binaryDirectory: String?
    /// The account the server runs as when the caller is root.
    public static let serverAccountWhenRoot = "postgres"

    public init(directory: String, port: Int = 5432, superuser: String, durable: Bool = true, binaryDirectory: String? = nil) {
        self.directory = directory
        self.port = port
        self.superuser = superuser
        self.durable = durable
        self.binaryDirectory = binaryDirectory
    }

    public var dataDirectory: String { directory + "/pgdata" }
    public var socketDirectory: String { directory + "/run" }
    public var logFile: String { directory + "/postgres.log" }

    /// How to reach one of the cluster's databases.
    public func connectionConfiguration(database: String) -> ConnectionConfiguration {
        .unixSocket(directory: socketDirectory, port: port, database: database, user: superuser)
    }

    public enum State: Equatable, Sendable {
        case notInitialized
        case stopped
        case running(processID: Int32)
    }

    /// Whether the cluster exists and whether its server runs.
    public func state() throws -> State {
        guard FileManager.default.fileExists(atPath: dataDirectory + "/PG_VERSION") else { return .notInitialized }
        let outcome = try ProcessRunner.run(try binaries().pgCtl, ["status", "-D", dataDirectory], asUser: serverAccount)
        if outcome.status == 0, let pid = runningProcessID() { return .running(processID: pid) }
        return .stopped
    }

    /// Creates the cluster if it does not exist, starts it if it is not running, and creates
    /// `database` (UTF-8, `C.UTF-8`) if it is missing. Safe to call from several processes at once.
    ///
    /// - Returns: how to connect to `database`.
    @discardableResult
    public func ensureRunning(database: String, settings: [SessionSetting] = [], logger: Logger) throws -> ConnectionConfiguration {
        try prepareDirectory()
        let lock = try FileLock(path: directory + "/cluster.lock")
        defer { withExtendedLifetime(lock) {} }
        if try state() == .notInitialized {
            try initialize(logger: logger)
        }
        if case .running = try state() {} else {
            try start(logger: logger)
        }
        try createDatabaseIfMissing(database, settings: settings, logger: logger)
        return connectionConfiguration(database: database)
    }

    /// Stops the server (fast shutdown: running transactions roll back).
    public func stop(logger: Logger) throws {
        guard case .running = try state() else { return }
        let outcome = try ProcessRunner.run(try binaries().pgCtl, ["stop", "-D", dataDirectory, "-m", "fast", "-w", "-t", "60"],
                                            asUser: serverAccount)
        guard outcome.status == 0 else {
            throw PostgresServerError("PostgreSQL did not stop: \(outcome.output.lastLine)", hint: "see \(logFile)")
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

    private func binaries() throws -> PostgresBinaries {
        try PostgresBinaries.locate(explicit: binaryDirectory)
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
            throw PostgresServerError("cannot create the data directory \(directory)", hint: "choose a writable folder")
        }
        if SystemUser.isRoot {
            guard let account = SystemUser.named(Self.serverAccountWhenRoot) else {
                throw PostgresServerError("running as root, PostgreSQL needs the postgres user to run as",
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
        logger.info("initializing local PostgreSQL", metadata: ["directory": "\(dataDirectory)"])
        try? FileManager.default.removeItem(atPath: dataDirectory)
        var arguments = ["-D", dataDirectory, "--username=\(superuser)", "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8"]
        if !durable { arguments.append("--no-sync") }
        let outcome = try ProcessRunner.run(try binaries().initdb, arguments, asUser: serverAccount)
        guard outcome.status == 0 else {
            throw PostgresServerError("initdb failed: \(outcome.output.lastLine)",
                                      hint: "check that the C.UTF-8 locale exists (locale -a) and that \(directory) is writable")
        }
        var settings = """

            # A private server reachable only through its own socket.
            listen_addresses = ''
            unix_socket_directories = '\(Self.quotedSetting(socketDirectory))'
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

    /// A value inside single quotes in postgresql.conf: each quote doubled, scalar by scalar
    /// (Foundation's replacing matches Characters on Linux and misses a quote a mark follows).
    static func quotedSetting(_ value: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in value.unicodeScalars {
            scalars.append(scalar)
            if scalar == "'" { scalars.append(scalar) }
        }
        return String(scalars)
    }

    private func start(logger: Logger) throws {
        let pgCtl = try binaries().pgCtl
        let arguments = ["start", "-D", dataDirectory, "-l", logFile, "-w", "-t", "60"]
        var outcome = try ProcessRunner.run(pgCtl, arguments, asUser: serverAccount)
        if outcome.status != 0, removeStalePidFile(logger: logger) {
            outcome = try ProcessRunner.run(pgCtl, arguments, asUser: serverAccount)
        }
        guard outcome.status == 0 else {
            throw PostgresServerError("the local PostgreSQL server did not start: \(outcome.output.lastLine)", hint: "see \(logFile)")
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

    private func createDatabaseIfMissing(_ name: String, settings: [SessionSetting], logger: Logger) throws {
        let connection = try Connection.connect(connectionConfiguration(database: "postgres"), settings: settings, logger: logger)
        let exists = try connection.query("SELECT 1 FROM pg_database WHERE datname = \(name)").count > 0
        guard !exists else { return }
        try connection.execute("""
            CREATE DATABASE \(identifier: name) TEMPLATE template0 ENCODING 'UTF8'
            LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'
            """)
    }
}

/// Where PostgreSQL's server programs are.
struct PostgresBinaries {
    var directory: String
    var initdb: String { directory + "/initdb" }
    var pgCtl: String { directory + "/pg_ctl" }

    /// `explicit`, else the newest `/usr/lib/postgresql/N/bin` (Debian's layout), else the
    /// folder of `pg_ctl` on `PATH`.
    static func locate(explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> PostgresBinaries {
        let manager = FileManager.default
        if let explicit, manager.isExecutableFile(atPath: explicit + "/pg_ctl") {
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
        throw PostgresServerError("PostgreSQL's server programs (initdb, pg_ctl) were not found",
                                  hint: "install them with: sudo apt-get install postgresql")
    }
}

extension String {
    /// The last non-empty line, for quoting a tool's final complaint.
    var lastLine: String {
        split(separator: "\n").last.map(String.init) ?? self
    }
}
