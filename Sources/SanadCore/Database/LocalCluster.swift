internal import Foundation
internal import Glibc
public import Logging
public import Postgres
public import PostgresServer

/// Sanad's own PostgreSQL cluster, used when no database is configured: a
/// ``PostgresCluster`` in Sanad's data directory with the `sanad` superuser and database,
/// its errors told with Sanad's remedies (`SANAD_DATA_DIR`, `SANAD_DATABASE_URL`).
public struct LocalCluster: Sendable {
    public let server: PostgresCluster

    /// The superuser initdb creates: the owner, which migrates and administers users.
    /// Association work runs as ``person``.
    public static let superuser = "sanad"
    public static let databaseName = "sanad"

    /// - Parameter binaryDirectory: where `initdb` and `pg_ctl` are (`SANAD_PG_BINDIR`);
    ///   found on their own when nil.
    public init(directory: String, port: Int = 5432, durable: Bool = true, binaryDirectory: String? = nil) {
        server = PostgresCluster(directory: directory, port: port, superuser: Self.superuser, durable: durable,
                                 binaryDirectory: binaryDirectory.flatMap { $0.isEmpty ? nil : $0 })
    }

    /// The cluster's home.
    public var directory: String { server.directory }
    public var dataDirectory: String { server.dataDirectory }
    public var socketDirectory: String { server.socketDirectory }
    public var logFile: String { server.logFile }

    /// `$XDG_DATA_HOME/sanad`, else `~/.local/share/sanad`; `/var/lib/sanad` as root, because
    /// the `postgres` user cannot enter root's home.
    public static func defaultDirectory(environment: [String: String]) -> String {
        if let explicit = environment["SANAD_DATA_DIR"], !explicit.isEmpty { return explicit }
        if SystemUser.isRoot { return "/var/lib/sanad" }
        if let xdg = environment["XDG_DATA_HOME"], xdg.hasPrefix("/") { return xdg + "/sanad" }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return home + "/.local/share/sanad"
    }

    /// How to reach the cluster's `sanad` database as its owner.
    public func connectionConfiguration(database: String = LocalCluster.databaseName) -> ConnectionConfiguration {
        server.connectionConfiguration(database: database)
    }

    /// The Sanad user of the operating-system user running Sanad: its login name, made a
    /// valid user name (`root`, `layla`); `local-NAME` when the name is reserved.
    public static var person: String {
        let login = getpwuid(geteuid()).map { String(cString: $0.pointee.pw_name) } ?? "local"
        var name = String(login.lowercased().unicodeScalars.map { scalar -> Character in
            ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) || "._-".unicodeScalars.contains(scalar) ? Character(scalar) : "-"
        }.prefix(56))
        if name.first.map({ !$0.isLetter }) ?? true || name.hasPrefix("pg_") || name.hasPrefix("sanad_")
            || [superuser, "postgres", "local"].contains(name) {
            name = "local-" + name
        }
        return name
    }

    /// How the local person reaches the `sanad` database (trusted on the socket, like the owner).
    public var personConfiguration: ConnectionConfiguration {
        connectionConfiguration().setting("user", to: Self.person)
    }

    public typealias State = PostgresCluster.State

    /// Whether the cluster exists and whether its server runs.
    public func state() throws -> State {
        try explained { try server.state() }
    }

    /// Connects to the `sanad` database as ``person``; nil when that fails (the server is
    /// not running, or the person's role is not made yet: see ``connectAsOwner(logger:)``).
    public func connectAsPerson(logger: Logger) -> Connection? {
        try? SanadConnection.connect(personConfiguration, logger: logger)
    }

    /// Connects to the `sanad` database as the owner, first creating the cluster, starting
    /// its server or creating the database as needed. Safe to call from several processes at once.
    public func connectAsOwner(logger: Logger) throws -> Connection {
        // The common case, a running server, costs one connection attempt and no child process.
        if let connection = try? SanadConnection.connect(connectionConfiguration(), logger: logger) {
            return connection
        }
        return try SanadConnection.connect(ensureRunning(logger: logger), logger: logger)
    }

    /// Creates the cluster if it does not exist, starts it if it is not running, and creates
    /// the `sanad` database.
    ///
    /// - Returns: how to connect to the `sanad` database.
    @discardableResult
    public func ensureRunning(logger: Logger) throws -> ConnectionConfiguration {
        try explained { try server.ensureRunning(database: Self.databaseName, settings: SanadConnection.sessionSettings, logger: logger) }
    }

    /// Stops the server (fast shutdown: running transactions roll back).
    public func stop(logger: Logger) throws {
        try explained { try server.stop(logger: logger) }
    }

    /// Stops the server and deletes the whole directory.
    public func destroy(logger: Logger) throws {
        try explained { try server.destroy(logger: logger) }
    }

    private func explained<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as PostgresServerError {
            let hint = error.message.hasPrefix("cannot create the data directory")
                ? "set SANAD_DATA_DIR to a writable folder, or SANAD_DATABASE_URL to use another server"
                : error.message.hasPrefix("PostgreSQL's server programs")
                ? "install them with: sudo apt-get install postgresql  — or set SANAD_DATABASE_URL to use an existing server"
                : error.hint
            throw SanadError.failure(error.message, hint: hint)
        }
    }
}
