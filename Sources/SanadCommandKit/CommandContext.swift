public import SanadCore
public import Foundation
public import Logging
public import Postgres
internal import Glibc
internal import Synchronization

/// What a command needs to do its work: a migrated database connection as the person
/// running it, the actor, and the association the person chose. Core and plugin commands
/// open it the same way.
///
/// Two identities: the person's connection (`SANAD_DATABASE_URL`, the libpq environment,
/// or the local cluster's operating-system user), under which all association work runs
/// and PostgreSQL decides what it may see and do; and, opened only when a command needs it,
/// the owner's (``owner(for:)``) for migrations, associations and users.
///
/// ```swift
/// let context = try CommandContext.open(global)
/// let session = try context.session()
/// ```
public final class CommandContext {
    public let logger: Logger
    public let location: DatabaseLocation
    /// The person's connection.
    public let connection: Connection
    /// The free-text "on behalf of" (`SANAD_ACTOR`), kept in the audit log beside the real
    /// user; empty when not given.
    public let actor: String
    /// The PostgreSQL user the person's connection logged in as.
    public let user: String
    /// Whether that user is the database owner (who does no association work).
    public let userIsOwner: Bool
    public let global: GlobalOptions
    /// The plugins of this binary, handed on to every session the context opens.
    public let plugins: InstalledPlugins
    let environment: [String: String]
    private var ownerConnection: Connection?

    init(logger: Logger, location: DatabaseLocation, connection: Connection, actor: String, global: GlobalOptions,
         plugins: InstalledPlugins, environment: [String: String]) throws {
        self.logger = logger
        self.location = location
        self.connection = connection
        self.actor = actor
        self.global = global
        self.plugins = plugins
        self.environment = environment
        let row = try connection.query("SELECT session_user::text, pg_has_role(session_user, 'sanad_app', 'MEMBER')")[0]
        (user, userIsOwner) = try row.decode(String.self, Bool.self)
    }

    /// The owner's connection, for `action` (named in the error when the credentials at
    /// hand are not the owner's): `SANAD_OWNER_URL`, the local cluster's superuser, or the
    /// person's own connection when that is the owner.
    public func owner(for action: String) throws -> Connection {
        if let ownerConnection { return ownerConnection }
        let owner = userIsOwner || (environment["SANAD_OWNER_URL"] ?? "").isEmpty && !location.isLocalCluster
            ? connection : try location.connectAsOwner(environment: environment, logger: logger)
        try UserDirectory.requireOwner(owner, for: action)
        ownerConnection = owner
        return owner
    }

    /// The owner's view of all associations (``owner(for:)``).
    public func ownerDirectory(for action: String) throws -> AssociationDirectory {
        AssociationDirectory(connection: try owner(for: action))
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
    /// migrated on the spot, and its operating-system user made its administrator; another
    /// database must be migrated explicitly.
    public static func open(_ global: GlobalOptions, environment: [String: String] = CommandIO.current.environment) throws -> CommandContext {
        let logger = Logger(label: "sanad")
        let location = DatabaseLocation.resolve(environment: environment)
        let migrator = installedPlugins.migrator
        let connection: Connection
        if case .local(let cluster) = location {
            if let person = cluster.connectAsPerson(logger: logger), (try? migrator.isCurrentQuickCheck(person)) == true {
                connection = person
            } else {
                // First use, or a binary with new migrations: the owner migrates and makes the
                // person an administrator of every association (as the local cluster always had it).
                let owner = try cluster.connectAsOwner(logger: logger)
                try ensureSchema(owner, migrate: true, migrator: migrator, logger: logger)
                try UserDirectory(owner: owner).ensureAdministrator(LocalCluster.person)
                connection = try location.connect(logger: logger)
            }
        } else {
            connection = try location.connect(logger: logger)
            try ensureSchema(connection, migrate: false, migrator: migrator, logger: logger)
        }
        return try CommandContext(logger: logger, location: location, connection: connection,
                                  actor: Actor.current(environment: environment), global: global, plugins: installedPlugins,
                                  environment: environment)
    }

    static func ensureSchema(_ connection: Connection, migrate: Bool, migrator: Migrator, logger: Logger) throws {
        do {
            if try migrator.isCurrentQuickCheck(connection) { return }
            let status = try migrator.status(connection)
            try Migrator.refuseIncompatible(status)
            guard !status.pending.isEmpty else { return }
        } catch let error as PostgresError where error.sqlState == .insufficientPrivilege && !migrate {
            // A user of a database older than users and roles (migration 0014) cannot read its migrations.
        }
        guard migrate else {
            throw SanadError.failure("the database needs migrations before Sanad can use it",
                                     hint: "as the database owner (SANAD_OWNER_URL)", remedy: .migrateDatabase)
        }
        try migrator.migrate(connection, logger: logger)
    }

    /// All migrations: the core's, then each compiled-in plugin's.
    public static var migrator: Migrator { installedPlugins.migrator }

    public var directory: AssociationDirectory { AssociationDirectory(connection: connection) }

    /// The association chosen with `--association`, `SANAD_ASSOCIATION`, or the only one.
    public func association() throws -> Association {
        try directory.resolve(slug: global.associationSlug)
    }

    /// The association-scoped API for the chosen association.
    ///
    /// - Throws: when connected as the owner, which bypasses row-level security: association
    ///   work runs under a person's own login, so PostgreSQL can decide what they may do.
    public func session() throws -> AssociationSession {
        try session(for: try association())
    }

    /// The association-scoped API for `association`, under the person's own login.
    public func session(for association: Association) throws -> AssociationSession {
        guard !userIsOwner else {
            throw SanadError.denied(
                "you are connected as \(user), the database owner; association work runs under a Sanad user's own login",
                hint: "create a user (sanad user add NAME -a SLUG --role admin, with SANAD_OWNER_URL set to the owner) and connect as it with SANAD_DATABASE_URL")
        }
        return AssociationSession(association: association, connection: connection, actor: actor, logger: logger, plugins: plugins)
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

/// On whose behalf the user acts, when that is someone else (a shared front-desk login, a
/// script): `SANAD_ACTOR`, kept in the audit log as "on behalf of" beside the real user. Empty
/// when not given: the user is then the whole story.
public enum Actor {
    public static func current(environment: [String: String]) -> String {
        environment["SANAD_ACTOR"] ?? ""
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

extension CommandContext {
    /// Creates an association as the owner. The person running the command becomes its
    /// first admin when they are a Sanad user; when they are the owner itself, nobody is,
    /// and a note says how to add one.
    public func createAssociation(_ new: NewAssociation) throws -> Association {
        let owner = try owner(for: "adding an association")
        let personIsUser = try !userIsOwner
            && owner.query("SELECT 1 FROM sanad_users WHERE name = \(user)").singleRow() != nil
        let association = try AssociationDirectory(connection: owner).create(new, actor: actor, administrator: personIsUser ? user : nil)
        if !personIsUser {
            Console.note("\(association.slug) has no administrator yet: sanad user add NAME -a \(association.slug) --role admin")
        }
        return association
    }
}
