public import SanadCore
public import Foundation
public import Logging
public import Postgres
internal import Glibc
internal import Synchronization

/// What a command needs to do its work: a migrated database connection, the actor, and
/// the association the person chose. Core and plugin commands open it the same way.
///
/// ```swift
/// let context = try CommandContext.open(global)
/// let session = try context.session()
/// ```
public final class CommandContext {
    public let logger: Logger
    public let location: DatabaseLocation
    public let connection: Connection
    /// Who runs the command, recorded in the audit log.
    public let actor: String
    public let global: GlobalOptions
    /// The plugins of this binary, handed on to every session the context opens.
    public let plugins: InstalledPlugins

    init(logger: Logger, location: DatabaseLocation, connection: Connection, actor: String, global: GlobalOptions,
         plugins: InstalledPlugins) {
        self.logger = logger
        self.location = location
        self.connection = connection
        self.actor = actor
        self.global = global
        self.plugins = plugins
    }

    private static let bootstrapped = Mutex(InstalledPlugins.none)

    /// The one bootstrap point: argument-parser builds commands itself and cannot hand them
    /// values, so the composition root (SanadCLI) leaves here, once, before any command
    /// runs, the installed plugins. Every context a command opens takes them from here.
    public static func bootstrap(_ plugins: InstalledPlugins) {
        bootstrapped.withLock { $0 = plugins }
    }

    /// The plugins the composition root installed.
    public static var installedPlugins: InstalledPlugins {
        bootstrapped.withLock { $0 }
    }

    /// The association given before the subcommand (`sanad -a SLUG contact list`), for the
    /// one invocation running in this task.
    @TaskLocal public static var hoistedAssociation: String?

    /// Connects and makes sure the schema matches this binary: Sanad's own local cluster is
    /// migrated on the spot; another database must be migrated explicitly.
    public static func open(_ global: GlobalOptions, environment: [String: String] = CommandIO.current.environment) throws -> CommandContext {
        let logger = Logger(label: "sanad")
        let location = DatabaseLocation.resolve(environment: environment)
        let connection = try location.connect(logger: logger)
        let context = CommandContext(logger: logger, location: location, connection: connection,
                                     actor: Actor.current(environment: environment), global: global, plugins: installedPlugins)
        try context.ensureSchema()
        return context
    }

    /// All migrations: the core's, then each compiled-in plugin's.
    public static var migrator: Migrator { installedPlugins.migrator }

    func ensureSchema() throws {
        let migrator = plugins.migrator
        if try migrator.isCurrentQuickCheck(connection) { return }
        let status = try migrator.status(connection)
        try Migrator.refuseIncompatible(status)
        guard !status.pending.isEmpty else { return }
        if location.isLocalCluster {
            try migrator.migrate(connection, logger: logger)
        } else {
            throw SanadError.failure(
                "the database needs \(status.pending.count) migration(s) before Sanad can use it",
                hint: "run: sanad db migrate")
        }
    }

    public var directory: AssociationDirectory { AssociationDirectory(connection: connection) }

    /// The association chosen with `--association`, `SANAD_ASSOCIATION`, or the only one.
    public func association() throws -> Association {
        try directory.resolve(slug: global.associationSlug)
    }

    /// The association-scoped API for the chosen association.
    public func session() throws -> AssociationSession {
        AssociationSession(association: try association(), connection: connection, actor: actor, logger: logger, plugins: plugins)
    }

    /// An output writer that shows times in the association's time zone.
    public func writer(_ options: FormatOptions, association: Association? = nil) -> OutputWriter {
        OutputWriter(options, timeZone: association?.zone ?? .gmt)
    }

    /// What every listing command does: open the association's work, read in one
    /// read-only transaction, print in the chosen format.
    public static func printReading(_ global: GlobalOptions, _ format: FormatOptions,
                                    _ read: (AssociationTransaction) throws -> [OutputRecord]) throws {
        let work = try work(global, format)
        work.writer.print(try work.read(read))
    }

    /// What every listing command does, for models: each printed as the record its coding keys make.
    public static func printReading<Model: Encodable>(_ global: GlobalOptions, _ format: FormatOptions,
                                                      _ read: (AssociationTransaction) throws -> [Model]) throws {
        let work = try work(global, format)
        work.writer.print(try work.read(read))
    }

    /// What every showing command does, for a model.
    public static func printReading<Model: Encodable>(_ global: GlobalOptions, _ format: FormatOptions,
                                                      _ read: (AssociationTransaction) throws -> Model) throws {
        let work = try work(global, format)
        work.writer.print(try work.read(read))
    }
}

/// Who is acting: `SANAD_ACTOR`, else the login name.
public enum Actor {
    public static func current(environment: [String: String]) -> String {
        if let actor = environment["SANAD_ACTOR"], !actor.isEmpty { return actor }
        if let entry = getpwuid(geteuid()) { return String(cString: entry.pointee.pw_name) }
        return environment["USER"] ?? "unknown"
    }
}

extension Migrator {
    /// Cheap check used on every command: the applied identifiers are exactly this binary's.
    /// Checksums are compared only by `db status` and `db migrate`.
    func isCurrentQuickCheck(_ connection: Connection) throws -> Bool {
        do {
            let applied = try connection.query("SELECT identifier FROM schema_migrations")
                .map { try $0.decode(String.self, at: 0) }
            return applied.count == migrations.count && Set(applied) == Set(migrations.map(\.identifier))
        } catch let error as PostgresError where error.sqlState == .undefinedTable {
            return false
        }
    }
}
