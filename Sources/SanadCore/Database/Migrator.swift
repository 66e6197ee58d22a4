public import Foundation
public import Logging
public import Postgres
internal import SanadSchema

/// One forward-only schema change: a SQL file of `Schema/core/`, or of a plugin's own
/// `Plugins/<Name>/Schema/`.
public struct Migration: Sendable, Hashable {
    /// `core` or a plugin id.
    public let owner: String
    /// The file name; a file applies after the files of its owner with smaller names.
    public let name: String
    public let sql: String

    public init(owner: String, name: String, sql: String) {
        self.owner = owner
        self.name = name
        self.sql = sql
    }

    /// `owner/name`, as stored in `schema_migrations`.
    public var identifier: String { "\(owner)/\(name)" }

    /// The migrations compiled into the binary for `owner`, in order.
    /// A migration a plugin embedded (`.embedInCode("Schema")` in its target).
    public init(owner: String, name: String, embedded bytes: [UInt8]) {
        self.init(owner: owner, name: name, sql: String(decoding: bytes, as: UTF8.self))
    }

    public static func bundled(owner: String) -> [Migration] {
        SchemaCatalog.files(owner: owner).map { Migration(owner: $0.owner, name: $0.name, sql: $0.sql) }
    }

    /// The file names compiled into the binary, per owner (for checking the catalog).
    public static var bundledFileNames: [String: [String]] {
        Dictionary(grouping: SchemaCatalog.files, by: \.owner).mapValues { $0.map(\.name).sorted() }
    }
}

/// A migration recorded in the database.
public struct AppliedMigration: Sendable, Hashable {
    public var identifier: String
    public var checksum: String
    public var appliedAt: Date
}

/// How the database compares with the migrations this binary carries.
public struct MigrationStatus: Sendable {
    public var applied: [AppliedMigration]
    public var pending: [Migration]
    /// Applied migrations whose file has changed since (checksum differs).
    public var changed: [String]
    /// Applied migrations this binary does not know: the database is newer.
    public var unknown: [String]

    public var isCurrent: Bool { pending.isEmpty && changed.isEmpty && unknown.isEmpty }
}

/// Applies migrations in order, each in its own transaction with its bookkeeping row in
/// `schema_migrations`, under an advisory lock so two processes never migrate at once.
///
/// Like GRDB's `DatabaseMigrator`, migrations only go forward, and the migrator can tell
/// whether the database is behind or ahead of the code.
public struct Migrator: Sendable {
    public let migrations: [Migration]

    static let lockKey = AdvisoryLockKey("sanad.schema_migrations")

    public init(migrations: [Migration]) {
        self.migrations = migrations
    }

    /// Compares the database with the migrations. Works on a database never migrated.
    public func status(_ connection: Connection) throws -> MigrationStatus {
        let exists = try connection.query("SELECT to_regclass('schema_migrations') IS NOT NULL")[0].decode(Bool.self, at: 0)
        var applied: [AppliedMigration] = []
        if exists {
            for row in try connection.query("SELECT identifier, checksum, applied_at FROM schema_migrations ORDER BY applied_at, identifier") {
                let (identifier, checksum, appliedAt) = try row.decode(String.self, String.self, Date.self)
                applied.append(AppliedMigration(identifier: identifier, checksum: checksum, appliedAt: appliedAt))
            }
        }
        let checksums = try self.checksums(connection)
        let appliedByIdentifier = Dictionary(uniqueKeysWithValues: applied.map { ($0.identifier, $0) })
        let known = Set(migrations.map(\.identifier))
        return MigrationStatus(
            applied: applied,
            pending: migrations.filter { appliedByIdentifier[$0.identifier] == nil },
            changed: migrations.compactMap { migration in
                guard let record = appliedByIdentifier[migration.identifier],
                      record.checksum != checksums[migration.identifier] else { return nil }
                return migration.identifier
            },
            unknown: applied.map(\.identifier).filter { !known.contains($0) })
    }

    /// Applies every pending migration.
    ///
    /// - Returns: the migrations applied now (empty when the database was current).
    /// - Throws: ``SanadError`` when an applied file changed or the database is newer than
    ///   this binary; a failing migration is rolled back and its error rethrown.
    @discardableResult
    public func migrate(_ connection: Connection, logger: Logger) throws -> [Migration] {
        try connection.withAdvisoryLock(Self.lockKey) {
            try connection.execute("""
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    identifier text PRIMARY KEY,
                    checksum text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT clock_timestamp()
                )
                """)
            let status = try status(connection)
            try Self.refuseIncompatible(status)
            let checksums = try self.checksums(connection)
            for migration in status.pending {
                logger.info("applying migration", metadata: ["migration": "\(migration.identifier)"])
                do {
                    try connection.withTransaction { transaction in
                        try transaction.executeScript(migration.sql)
                        try transaction.execute("""
                            INSERT INTO schema_migrations (identifier, checksum)
                            VALUES (\(migration.identifier), \(checksums[migration.identifier]))
                            """)
                    }
                } catch let error as PostgresError {
                    throw SanadError.failure(
                        "migration \(migration.identifier) failed: \(error.message)",
                        hint: error.hint ?? "the database is unchanged by this migration; fix the cause and migrate again",
                        remedy: error.hint == nil ? .migrateDatabase : nil)
                }
            }
            // Keys made by older name rules are recomputed once the schema is current.
            if !status.pending.isEmpty {
                try NameKeyBackfill.run(connection, logger: logger)
                try CityKeyBackfill.run(connection)
            }
            return status.pending
        }
    }

    public static func refuseIncompatible(_ status: MigrationStatus) throws {
        if let changed = status.changed.first {
            throw SanadError.failure(
                "migration \(changed) was changed after it was applied to this database",
                hint: "restore the file as it was and put the change in a new migration file")
        }
        if !status.unknown.isEmpty {
            throw SanadError.failure(
                "the database was migrated by a newer Sanad (it has \(status.unknown.joined(separator: ", ")))",
                hint: "upgrade sanad to a version that knows these migrations")
        }
    }

    /// SHA-256 of each migration's text, computed by the server (no hashing code of our own).
    private func checksums(_ connection: Connection) throws -> [String: String] {
        let texts = migrations.map(\.sql)
        let rows = try connection.query("""
            SELECT ordinality::int, encode(sha256(convert_to(text, 'UTF8')), 'hex')
            FROM unnest(\(texts)::text[]) WITH ORDINALITY AS t(text, ordinality)
            """)
        var result: [String: String] = [:]
        for row in rows {
            let (position, checksum) = try row.decode(Int.self, String.self)
            result[migrations[position - 1].identifier] = checksum
        }
        return result
    }
}
