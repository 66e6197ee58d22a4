internal import Foundation
internal import Logging
internal import Postgres
internal import SanadCore
internal import SanadCommandKit
internal import Synchronization

/// The threads of `sanad worker`: N job slots and one lease keeper, each with its own
/// connection. libpq calls block, so they run on their own threads, never on Swift's
/// cooperative pool.
final class WorkerPool: Sendable {
    struct Settings: Sendable {
        var concurrency: Int
        var lease: Duration
        var pollInterval: Duration
        var shutdownGrace: Duration
    }

    let settings: Settings
    let location: DatabaseLocation
    /// The environment the owner's credentials come from (`SANAD_OWNER_URL`).
    let environment: [String: String]
    let logger: Logger
    let owners: [String]
    private let state = Mutex(State())

    private struct State {
        var stopRequested = false
        var stopRequestedAt: Date?
        var running = 0
        var waiters: [CheckedContinuation<Void, Never>] = []
        var cancellers: [Int: QueryCanceller] = [:]
    }

    /// The plugins whose job kinds the workers run.
    let plugins: InstalledPlugins

    /// Workers claim jobs across associations, so they connect as the owner; each job runs
    /// under row-level security as the service role, in its own association only.
    init(settings: Settings, location: DatabaseLocation, environment: [String: String], logger: Logger, plugins: InstalledPlugins) {
        self.settings = settings
        self.location = location
        self.environment = environment
        self.logger = logger
        self.plugins = plugins
        let host = ProcessInfo.processInfo.hostName
        let pid = ProcessInfo.processInfo.processIdentifier
        owners = (0..<settings.concurrency).map { "\(host):\(pid):\($0)" }
    }

    var stopRequested: Bool { state.withLock { $0.stopRequested } }

    func start() {
        state.withLock { $0.running = settings.concurrency + 1 }
        for slot in 0..<settings.concurrency {
            Thread.detachNewThread { [self] in
                runSlot(slot)
                threadEnded()
            }
        }
        Thread.detachNewThread { [self] in
            keepLeases()
            threadEnded()
        }
    }

    /// Asks every slot to stop after its current job; after the grace period, running
    /// statements are cancelled and their jobs given back.
    func requestStop() {
        state.withLock {
            $0.stopRequested = true
            $0.stopRequestedAt = Date()
        }
        logger.info("shutting down: finishing running jobs")
    }

    /// Suspends until every thread has ended.
    func waitUntilStopped() async {
        await withCheckedContinuation { continuation in
            let done = state.withLock { state -> Bool in
                if state.running == 0 { return true }
                state.waiters.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
    }

    private func threadEnded() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.running -= 1
            guard state.running == 0 else { return [] }
            defer { state.waiters = [] }
            return state.waiters
        }
        waiters.forEach { $0.resume() }
    }

    // MARK: Slots

    private func runSlot(_ slot: Int) {
        var connection: Connection?
        var outage: Date?
        while !stopRequested {
            do {
                if connection == nil || connection?.isConnected == false {
                    connection = nil
                    let fresh = try location.connectAsOwner(environment: environment, logger: logger)
                    try fresh.listen("sanad_jobs")
                    state.withLock { $0.cancellers[slot] = fresh.makeCanceller() }
                    connection = fresh
                    if let since = outage {
                        logger.notice("reconnected to PostgreSQL", metadata: ["slot": "\(slot)", "after_seconds": "\(Int(Date().timeIntervalSince(since)))"])
                        outage = nil
                    }
                }
                guard let connection else { continue }
                let runner = JobRunner(connection: connection, options: .init(owner: owners[slot], lease: settings.lease), logger: logger,
                                       plugins: plugins)
                try runner.fireDueSchedules()
                if try runner.runNext() == nil {
                    _ = try connection.waitForNotifications(timeout: settings.pollInterval)
                }
            } catch {
                if outage == nil {
                    logger.error("lost PostgreSQL; retrying", metadata: ["slot": "\(slot)", "error": "\(error)"])
                    outage = Date()
                }
                connection = nil
                state.withLock { $0.cancellers[slot] = nil }
                pause(seconds: 1)
            }
        }
    }

    /// Renews the leases of running jobs every third of a lease, and after the grace period
    /// of a shutdown cancels what still runs.
    private func keepLeases() {
        var connection: Connection?
        let interval = max(1, Double(settings.lease.components.seconds) / 3)
        while true {
            let (stopping, stopAt, slotsAlive) = state.withLock { ($0.stopRequested, $0.stopRequestedAt, $0.running) }
            if stopping && slotsAlive <= 1 { return }
            if stopping, let stopAt, Date().timeIntervalSince(stopAt) > Double(settings.shutdownGrace.components.seconds) {
                let cancellers = state.withLock { Array($0.cancellers.values) }
                cancellers.forEach { $0.cancel() }
            }
            do {
                if connection == nil || connection?.isConnected == false { connection = try location.connectAsOwner(environment: environment, logger: logger) }
                if let connection { try JobRunner.renewLeases(owners: owners, lease: settings.lease, on: connection) }
            } catch {
                connection = nil
            }
            pause(seconds: stopping ? 0.5 : interval)
        }
    }

    /// Sleeps in short steps so a shutdown is noticed quickly.
    private func pause(seconds: Double) {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            Thread.sleep(forTimeInterval: min(0.2, end.timeIntervalSinceNow))
            if stopRequested && seconds > 0.5 { return }
        }
    }
}
