internal import ArgumentParser
internal import Foundation
internal import Logging
internal import Postgres
internal import PostgresServer
internal import SanadCore
internal import SanadCommandKit

struct DatabaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "Manage the database: migrations and Sanad's own local PostgreSQL.",
        discussion: """
            Examples:
              sanad db status
              SANAD_DATABASE_URL=postgresql://sanad@db.example.org/sanad sanad db migrate
            """,
        subcommands: [Migrate.self, Status.self, Start.self, Stop.self]
    )

    struct Migrate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Apply pending migrations (each in its own transaction, one process at a time).", discussion: "Example:\n  sanad db migrate        (after upgrading Sanad, with SANAD_DATABASE_URL set)")

        @OptionGroup var format: FormatOptions

        func run() throws {
            let logger = Logger(label: "sanad")
            let location = DatabaseLocation.resolve(environment: CommandIO.current.environment)
            let connection = try location.connectAsOwner(environment: CommandIO.current.environment, logger: logger)
            let applied = try CommandContext.migrator.migrate(connection, logger: logger)
            let writer = OutputWriter(format)
            if format.format == .table {
                writer.message(applied.isEmpty ? "The database is up to date." : "Applied \(applied.count) migration(s):")
                if !applied.isEmpty { writer.print(applied.map { ["migration": .text($0.identifier)] }) }
            } else {
                writer.print(applied.map { ["migration": .text($0.identifier)] })
            }
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show where the database is, whether it runs, and which migrations are applied or pending.", discussion: "Example:\n  sanad db status --format json")

        @OptionGroup var format: FormatOptions

        func run() throws {
            let logger = Logger(label: "sanad")
            let location = DatabaseLocation.resolve(environment: CommandIO.current.environment)
            var summary: OutputRecord = ["database": .text(location.description)]
            var migrations: [OutputRecord] = []
            var reachable = true
            if case .local(let cluster) = location {
                let state = try cluster.state()
                switch state {
                case .notInitialized: summary.append("server", .text("not created yet (it is created on first use)"))
                case .stopped: summary.append("server", .text("stopped (it starts on first use, or with: sanad db start)"))
                case .running(let pid): summary.append("server", .text("running (pid \(pid), socket in \(cluster.socketDirectory))"))
                }
                if case .running = state {} else { reachable = false }
            }
            if reachable {
                // The local cluster's person may not be made yet; its owner is always there.
                let connection = location.isLocalCluster
                    ? try location.connectAsOwner(environment: CommandIO.current.environment, logger: logger)
                    : try location.connect(logger: logger)
                let status = try CommandContext.migrator.status(connection)
                // server_version_num 150018 is PostgreSQL 15.18 (from version 10 on: major × 10000 + minor).
                let number = connection.serverVersion
                summary.append("postgresql", .text(number >= 100_000 ? "\(number / 10_000).\(number % 10_000)" : String(number)))
                let applied = Dictionary(uniqueKeysWithValues: status.applied.map { ($0.identifier, $0) })
                let changed = Set(status.changed)
                for migration in CommandContext.migrator.migrations {
                    let record = applied[migration.identifier]
                    let state = changed.contains(migration.identifier) ? "changed since applied"
                        : record == nil ? "pending" : "applied"
                    migrations.append(["migration": .text(migration.identifier), "state": .text(state),
                                       "applied_at": .of(record?.appliedAt)])
                }
                for unknown in status.unknown {
                    migrations.append(["migration": .text(unknown), "state": .text("unknown to this sanad (database is newer)"),
                                       "applied_at": .of(applied[unknown]?.appliedAt)])
                }
                summary.append("pending", .integer(Int64(status.pending.count)))
            }
            let writer = OutputWriter(format)
            switch format.format {
            case .json:
                summary.append("migrations", .list(migrations.map { .record($0) }))
                writer.print(summary)
            case .csv:
                writer.print(migrations)
            case .table:
                writer.print(summary)
                if !migrations.isEmpty {
                    writer.message("")
                    writer.print(migrations)
                }
            }
        }
    }

    struct Start: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create (if needed) and start Sanad's local PostgreSQL, then migrate it.", discussion: "Example:\n  sanad db start")

        func run() throws {
            let logger = Logger(label: "sanad")
            let cluster = try localCluster()
            let configuration = try cluster.ensureRunning(logger: logger)
            let connection = try SanadConnection.connect(configuration, logger: logger)
            try CommandContext.migrator.migrate(connection, logger: logger)
            Console.say("Local PostgreSQL runs in \(cluster.directory).")
        }
    }

    struct Stop: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop Sanad's local PostgreSQL.", discussion: "Example:\n  sanad db stop")

        func run() throws {
            let cluster = try localCluster()
            try cluster.stop(logger: Logger(label: "sanad"))
            Console.say("Local PostgreSQL stopped.")
        }
    }
}

private func localCluster() throws -> LocalCluster {
    guard case .local(let cluster) = DatabaseLocation.resolve(environment: CommandIO.current.environment) else {
        throw SanadError.usage("a database is configured (SANAD_DATABASE_URL or PG* variables), so there is no local cluster to manage",
                               hint: "unset them to use Sanad's own PostgreSQL")
    }
    return cluster
}
