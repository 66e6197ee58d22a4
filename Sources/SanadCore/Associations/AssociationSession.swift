internal import Foundation
public import Logging
public import Postgres

/// The association-scoped API: the only way commands and plugins reach an association's
/// data.
///
/// Every transaction names the association and the actor in transaction-local settings;
/// row-level security then shows and accepts only this association's rows, and only when
/// the logged-in user is a member of it (migration 0014), whatever the SQL says. A session
/// of the owner (the worker, tests of the core) first switches to the service role
/// `sanad_app`, so its work runs under row-level security too.
///
/// ```swift
/// let count = try session.transaction { tx in
///     try tx.query("SELECT count(*) FROM contacts")[0].decode(Int.self, at: 0)
/// }
/// ```
public final class AssociationSession: @unchecked Sendable {
    public let association: Association
    /// Who is acting, recorded in the audit log.
    public let actor: String
    public let logger: Logger
    /// The plugins of this binary, for the stores that ask which are installed.
    public let plugins: InstalledPlugins
    let connection: Connection

    public init(association: Association, connection: Connection, actor: String, logger: Logger, plugins: InstalledPlugins) {
        self.association = association
        self.connection = connection
        self.actor = actor
        self.logger = logger
        self.plugins = plugins
    }

    /// Runs `body` in one transaction scoped to the association; rolled back if it throws.
    @discardableResult
    public func transaction<T>(_ isolation: IsolationLevel = .readCommitted, readOnly: Bool = false,
                               _ body: (AssociationTransaction) throws -> T) throws -> T {
        var committed = AfterCommit()
        let result = try connection.withTransaction(isolation, readOnly: readOnly) { connection in
            committed = AfterCommit()
            try Self.enterScope(connection, association: association.id, actor: actor)
            return try body(AssociationTransaction(connection: connection, association: association, actor: actor, logger: logger,
                                                   plugins: plugins, pendingAfterCommit: committed))
        }
        try committed.run()
        return result
    }

    /// Like ``transaction(_:readOnly:_:)``, run again on serialization failures and deadlocks.
    @discardableResult
    public func retryingTransaction<T>(_ isolation: IsolationLevel = .readCommitted,
                                       _ body: (AssociationTransaction) throws -> T) throws -> T {
        var committed = AfterCommit()
        let result = try connection.withRetryingTransaction(isolation) { connection in
            committed = AfterCommit()  // a retried attempt starts with nothing pending
            try Self.enterScope(connection, association: association.id, actor: actor)
            return try body(AssociationTransaction(connection: connection, association: association, actor: actor, logger: logger,
                                                   plugins: plugins, pendingAfterCommit: committed))
        }
        try committed.run()
        return result
    }

    /// The tables a bulk load of contacts and interactions writes (an import, a generated
    /// association), whose statistics are refreshed afterwards.
    public static let bulkLoadedTables = ["contacts", "contact_emails", "contact_phones", "contact_roles", "contact_tags",
                                          "contact_relationships", "consent_records", "contact_suppressions", "interactions"]

    /// After a bulk load commits: refreshes the planner's statistics and merges the trigram
    /// indexes' pending entries, which otherwise make every search scan them. Table
    /// maintenance is the owner's, so a function of the schema does it
    /// (`sanad_maintain_after_load`, for the association's writers and business tables only).
    public func maintainAfterBulkLoad(tables: [String]) throws {
        try transaction { try $0.query("SELECT sanad_maintain_after_load(\(tables))") }
    }

    /// Names this association and the actor for the open transaction; an owner's session
    /// also switches to the service role (a user's cannot, and needs not).
    static func enterScope(_ connection: Connection, association: Int64, actor: String) throws {
        try connection.query("""
            SELECT CASE WHEN pg_has_role(session_user, 'sanad_app', 'MEMBER') THEN set_config('role', 'sanad_app', true) END,
                   set_config('sanad.association', \(String(association)), true),
                   set_config('sanad.actor', \(actor), true)
            """)
    }
}

/// One open transaction inside an association. Everything it runs sees only that
/// association's rows.
public struct AssociationTransaction {
    let connection: Connection
    public let association: Association
    public let actor: String
    public let logger: Logger
    public let plugins: InstalledPlugins
    let pendingAfterCommit: AfterCommit

    /// Runs `action` once this transaction has committed, and never if it rolls back: for
    /// effects outside the database that must not happen unless the data they go with is
    /// saved, such as putting an exported file under its final name after its log entry.
    public func afterCommit(_ action: @escaping () throws -> Void) {
        pendingAfterCommit.actions.append(action)
    }

    @discardableResult
    public func query(_ statement: SQL) throws -> QueryResult {
        try connection.query(statement)
    }

    @discardableResult
    public func execute(_ statement: SQL) throws -> Int {
        try connection.execute(statement)
    }

    @discardableResult
    public func stream(_ statement: SQL, _ body: (Row) throws -> Void) throws -> Int {
        try connection.stream(statement, body)
    }

    @discardableResult
    public func copyIn(_ statement: SQL, _ body: (CopyInWriter) throws -> Void) throws -> Int {
        try connection.copyIn(statement, body)
    }

    @discardableResult
    public func copyOut(_ statement: SQL, _ body: (UnsafeRawBufferPointer) throws -> Void) throws -> Int {
        try connection.copyOut(statement, body)
    }

    /// Runs `body` in a savepoint: if it throws, only its work is undone (and what it asked
    /// to run after the commit is forgotten).
    public func savepoint<T>(_ body: (AssociationTransaction) throws -> T) throws -> T {
        let pending = pendingAfterCommit.actions.count
        do {
            return try connection.withTransaction { _ in try body(self) }
        } catch {
            pendingAfterCommit.actions.removeLast(pendingAfterCommit.actions.count - pending)
            throw error
        }
    }

    /// Holds an advisory lock until the transaction ends; `false` if another session has it.
    public func tryLock(_ name: String) throws -> Bool {
        try connection.tryAdvisoryTransactionLock(AdvisoryLockKey("\(association.id):\(name)"))
    }

    /// Waits for an advisory lock held until the transaction ends.
    public func lock(_ name: String) throws {
        try connection.advisoryTransactionLock(AdvisoryLockKey("\(association.id):\(name)"))
    }

    /// Records an action in the audit log. `details` must not hold personal data.
    public func audit(_ action: String, entity: String, id: Int64? = nil, details: [String: String] = [:]) throws {
        try connection.execute("""
            INSERT INTO audit_log (action, entity, entity_id, details)
            VALUES (\(action), \(entity), \(id), \(JSONB(details)))
            """)
    }

    /// Marks this transaction as a bulk load: row-level audit triggers stay quiet, and the
    /// caller records one summary entry instead.
    public func beginBulkChange() throws {
        try connection.query("SELECT set_config('sanad.bulk', 'on', true)")
    }
}

/// Actions waiting for a transaction's commit, run in the order they were added.
final class AfterCommit {
    var actions: [() throws -> Void] = []

    func run() throws {
        let due = actions
        actions = []
        for action in due { try action() }
    }
}
