internal import ArgumentParser
internal import Foundation
internal import Logging
internal import SanadCore
internal import SanadCommandKit
internal import ServiceLifecycle
internal import UnixSignals

struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Run scheduled and queued jobs until stopped (SIGTERM or SIGINT).",
        discussion: """
            Any number of workers, on any number of machines, can share one database: each \
            schedule fires once per due time, and each job runs once. A worker that dies leaves \
            its job to be taken again when its lease expires. On SIGTERM or SIGINT the worker \
            finishes its running jobs (within --shutdown-grace, after which they are given back) \
            and exits 0. It reconnects by itself when PostgreSQL restarts, and logs one line per \
            job on standard error (ids and figures, never personal data).

            Examples:
              sanad worker
              sanad worker --concurrency 4 --lease 300
            """)

    @Option(help: "How many jobs to run at the same time.") var concurrency = 2
    @Option(help: "Seconds a claimed job stays reserved without renewal (renewed every third of it).") var lease = 120
    @Option(help: "Seconds between checks for due work when no notification arrives.") var pollInterval = 5.0
    @Option(help: "Seconds running jobs get to finish after a stop signal before they are given back.") var shutdownGrace = 30

    func validate() throws {
        guard (1...64).contains(concurrency) else { throw ValidationError("--concurrency takes 1 to 64") }
        guard (3...86_400).contains(lease) else { throw ValidationError("--lease takes 3 to 86400 seconds") }
        guard pollInterval >= 0.05, pollInterval <= 3600 else { throw ValidationError("--poll-interval takes 0.05 to 3600 seconds") }
        guard shutdownGrace >= 0 else { throw ValidationError("--shutdown-grace cannot be negative") }
    }

    func run() async throws {
        var logger = Logger(label: "sanad.worker")
        if CommandIO.current.environment["SANAD_LOG_LEVEL"] == nil { logger.logLevel = .info }
        let location = DatabaseLocation.resolve(environment: CommandIO.current.environment)
        // Migrate or check the schema once before starting, as every command does.
        let context = try CommandContext.open(GlobalOptions())
        _ = try context.owner(for: "the worker, which serves every association,")
        let pool = WorkerPool(
            settings: .init(concurrency: concurrency, lease: .seconds(lease), pollInterval: .milliseconds(Int(pollInterval * 1000)),
                            shutdownGrace: .seconds(shutdownGrace)),
            location: location, environment: CommandIO.current.environment, logger: logger, plugins: context.plugins)
        let group = ServiceGroup(configuration: .init(
            services: [.init(service: WorkerService(pool: pool))],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
        logger.info("worker started", metadata: ["concurrency": "\(concurrency)", "database": "\(location)"])
        try await group.run()
        logger.info("worker stopped")
    }
}

/// `sanad worker` as a swift-service-lifecycle service: runs the pool until a graceful
/// shutdown, then lets it finish or give back its jobs.
struct WorkerService: Service {
    let pool: WorkerPool

    func run() async throws {
        pool.start()
        await withGracefulShutdownHandler {
            await pool.waitUntilStopped()
        } onGracefulShutdown: {
            pool.requestStop()
        }
    }
}
