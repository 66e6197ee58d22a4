public import Logging
public import Postgres

/// Which PostgreSQL Sanad uses, decided from the environment.
///
/// 1. `SANAD_DATABASE_URL` (a `postgresql://` URI or a conninfo string);
/// 2. else the standard libpq environment, when any of `PGHOST`, `PGHOSTADDR`, `PGPORT`,
///    `PGDATABASE`, `PGUSER` or `PGSERVICE` is set;
/// 3. else Sanad's own local cluster, created and started on first use.
public enum DatabaseLocation: Sendable, CustomStringConvertible {
    case url(String)
    case environment
    case local(LocalCluster)

    static let libpqVariables = ["PGHOST", "PGHOSTADDR", "PGPORT", "PGDATABASE", "PGUSER", "PGSERVICE"]

    public static func resolve(environment: [String: String]) -> DatabaseLocation {
        if let url = environment["SANAD_DATABASE_URL"], !url.isEmpty { return .url(url) }
        if libpqVariables.contains(where: { !(environment[$0] ?? "").isEmpty }) { return .environment }
        return .local(LocalCluster(directory: LocalCluster.defaultDirectory(environment: environment),
                                   binaryDirectory: environment["SANAD_PG_BINDIR"]))
    }

    /// Whether Sanad manages this database itself (and so may migrate it without being asked).
    public var isLocalCluster: Bool {
        if case .local = self { return true }
        return false
    }

    public var configuration: ConnectionConfiguration {
        switch self {
        case .url(let url): .url(url)
        case .environment: .environment
        case .local(let cluster): cluster.connectionConfiguration()
        }
    }

    /// Opens a connection as the person whose credentials these are. For the local cluster
    /// that is its operating-system user (``LocalCluster/person``), who must have been made
    /// a user already (CommandContext does it on first use).
    ///
    /// - Throws: ``SanadError`` explaining which server could not be reached and how to fix it.
    public func connect(logger: Logger) throws -> Connection {
        try explained {
            switch self {
            case .local(let cluster):
                return try SanadConnection.connect(cluster.personConfiguration, logger: logger)
            default:
                return try SanadConnection.connect(configuration, logger: logger)
            }
        }
    }

    /// Opens a connection as the database's owner: `SANAD_OWNER_URL` when set, the local
    /// cluster's superuser (starting the cluster first), else the same credentials as
    /// ``connect(logger:)`` (whether they are the owner's is checked where it matters).
    public func connectAsOwner(environment: [String: String], logger: Logger) throws -> Connection {
        try explained {
            if let url = environment["SANAD_OWNER_URL"], !url.isEmpty {
                return try SanadConnection.connect(.url(url), logger: logger)
            }
            switch self {
            case .local(let cluster): return try cluster.connectAsOwner(logger: logger)
            default: return try SanadConnection.connect(configuration, logger: logger)
            }
        }
    }

    private func explained(_ body: () throws -> Connection) throws -> Connection {
        do {
            return try body()
        } catch let error as PostgresError {
            throw SanadError.failure(
                "cannot connect to PostgreSQL (\(self)): \(error.message)",
                hint: "check that the server runs and that SANAD_DATABASE_URL or the PG* variables point at it")
        }
    }

    public var description: String {
        switch self {
        case .url(let url): "SANAD_DATABASE_URL=" + ConnectionConfiguration.url(url).description.dropFirst("dbname=".count)
        case .environment: "libpq environment"
        case .local(let cluster): "local cluster in \(cluster.directory)"
        }
    }
}
