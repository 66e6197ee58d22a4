internal import Foundation
public import Logging
public import Postgres

/// Fires due schedules, claims jobs and runs them, for one worker slot on one connection.
///
/// Jobs are claimed across associations with `FOR UPDATE SKIP LOCKED` under a lease. A job
/// runs inside its association's transaction, and marks itself done in that same
/// transaction only if this slot still holds it — so its work commits exactly once, even
/// when a slow worker's lease expired and another took the job over.
public final class JobRunner {
    public struct Options: Sendable {
        /// Identifies this slot in leases and run records (`host:pid:slot`).
        public var owner: String
        /// How long a claim lasts unless renewed.
        public var lease: Duration

        public init(owner: String, lease: Duration = .seconds(120)) {
            self.owner = owner
            self.lease = lease
        }
    }

    /// How one job ended.
    public struct Outcome: Sendable, CustomStringConvertible {
        public var jobID: Int64
        public var association: String
        public var kind: String
        /// succeeded, failed, retrying, skipped, released, lost
        public var result: String
        public var milliseconds: Int64
        public var counts: [String: Int64]

        /// One line for the log: no personal data, only ids, kinds and figures.
        public var description: String {
            let figures = counts.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            return "job \(jobID) \(kind) association=\(association) outcome=\(result) duration_ms=\(milliseconds)"
                + (figures.isEmpty ? "" : " " + figures)
        }
    }

    struct ClaimedJob {
        var associationID: Int64
        var id: Int64
        var kind: String
        var parameters: [String: String]
        var attempt: Int
        var maxAttempts: Int
        var runID: Int64
    }

    public let connection: Connection
    public let options: Options
    let logger: Logger
    /// The plugins whose job kinds this runner can run.
    public let plugins: InstalledPlugins

    public init(connection: Connection, options: Options, logger: Logger, plugins: InstalledPlugins) {
        self.connection = connection
        self.options = options
        self.logger = logger
        self.plugins = plugins
    }

    var leaseSeconds: Double { Double(options.lease.components.seconds) }

    // MARK: Schedules

    /// Turns every due schedule occurrence into one job, whatever the number of workers
    /// doing the same at the same time. Missed occurrences (while no worker ran) fire once.
    ///
    /// - Returns: how many jobs were queued.
    @discardableResult
    public func fireDueSchedules() throws -> Int {
        try connection.withTransaction { transaction in
            let due = try transaction.query("""
                SELECT s.association_id, s.id, s.kind, s.cron, s.parameters::text, s.next_run_at, a.time_zone
                FROM schedules s JOIN associations a ON a.id = s.association_id
                WHERE s.next_run_at <= now()
                ORDER BY s.next_run_at
                LIMIT 100
                FOR UPDATE OF s SKIP LOCKED
                """)
            var queued = 0
            for row in due {
                let (association, id, kind, cronText, parameters, dueAt, zone) =
                    try row.decode(Int64.self, Int64.self, String.self, String.self, String.self, Date.self, String.self)
                queued += try transaction.execute("""
                    INSERT INTO jobs (association_id, kind, parameters, schedule_id, scheduled_for, created_by)
                    VALUES (\(association), \(kind), \(parameters)::jsonb, \(id), \(dueAt), 'schedule')
                    ON CONFLICT (association_id, schedule_id, scheduled_for) DO NOTHING
                    """)
                let next = (try? CronExpression(cronText))?.next(after: Date(), in: TimeZone(identifier: zone) ?? .gmt)
                    ?? Date().addingTimeInterval(366 * 86_400 * 5)
                try transaction.execute("""
                    UPDATE schedules SET next_run_at = \(next), last_fired_at = now() WHERE association_id = \(association) AND id = \(id)
                    """)
            }
            return queued
        }
    }

    // MARK: Claiming

    /// Claims the oldest due job (or one whose lease expired), if any.
    func claim() throws -> ClaimedJob? {
        try connection.withTransaction { transaction in
            guard let row = try transaction.query("""
                WITH candidate AS (
                    SELECT association_id, id, state AS previous_state FROM jobs
                    WHERE (state = 'queued' AND run_at <= now()) OR (state = 'running' AND lease_expires_at < now())
                    ORDER BY run_at, id
                    LIMIT 1
                    FOR UPDATE SKIP LOCKED
                )
                UPDATE jobs j SET state = 'running', attempts = j.attempts + 1, lease_owner = \(options.owner),
                                  lease_expires_at = now() + \(leaseSeconds) * interval '1 second'
                FROM candidate c WHERE j.association_id = c.association_id AND j.id = c.id
                RETURNING j.association_id, j.id, j.kind, j.parameters::text, j.attempts, j.max_attempts, c.previous_state
                """).singleRow() else { return nil }
            let (association, id, kind, parameterText, attempt, maxAttempts, previous) =
                try row.decode(Int64.self, Int64.self, String.self, String.self, Int.self, Int.self, String.self)
            if previous == "running" {
                // Its last holder died or stalled past the lease: that run is over.
                try transaction.execute("""
                    UPDATE job_runs SET outcome = 'abandoned', finished_at = clock_timestamp(),
                           error = 'the worker stopped renewing its lease (crash or stall)'
                    WHERE association_id = \(association) AND job_id = \(id) AND outcome = 'running'
                    """)
            }
            let runID = try transaction.query("""
                INSERT INTO job_runs (association_id, job_id, attempt, worker) VALUES (\(association), \(id), \(attempt), \(options.owner))
                RETURNING id
                """)[0].decode(Int64.self, at: 0)
            let parameters = (try? PluginStore.settings(fromJSON: parameterText)) ?? [:]
            return ClaimedJob(associationID: association, id: id, kind: kind, parameters: parameters, attempt: attempt,
                              maxAttempts: maxAttempts, runID: runID)
        }
    }

    // MARK: Running

    /// Claims and runs one job. Returns nil when nothing is due.
    public func runNext() throws -> Outcome? {
        guard let job = try claim() else { return nil }
        let outcome = try execute(job)
        logger.info("\(outcome)")
        return outcome
    }

    /// Fires due schedules and runs due jobs until none is left (for `sanad jobs run-due`).
    public func runDue(limit: Int = .max) throws -> [Outcome] {
        try fireDueSchedules()
        var outcomes: [Outcome] = []
        while outcomes.count < limit, let outcome = try runNext() {
            outcomes.append(outcome)
        }
        return outcomes
    }

    private struct LeaseLost: Error {}

    func execute(_ job: ClaimedJob) throws -> Outcome {
        let started = DispatchTime.now()
        func elapsed() -> Int64 { Int64((DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1_000_000) }
        guard let associationRow = try connection.query("""
            SELECT \(Association.columns) FROM associations WHERE id = \(job.associationID)
            """).singleRow() else {
            try finish(job, state: "failed", runOutcome: "failed", error: "the association no longer exists", milliseconds: elapsed())
            return Outcome(jobID: job.id, association: "#\(job.associationID)", kind: job.kind, result: "failed", milliseconds: elapsed(), counts: [:])
        }
        let association = try Association(row: associationRow)
        var outcome = Outcome(jobID: job.id, association: association.slug, kind: job.kind, result: "succeeded", milliseconds: 0, counts: [:])
        guard let kind = plugins.jobs.kind(named: job.kind) else {
            try finish(job, state: "failed", runOutcome: "failed", error: "this sanad has no job kind \"\(job.kind)\"", milliseconds: elapsed())
            outcome.result = "failed"
            outcome.milliseconds = elapsed()
            return outcome
        }
        let session = AssociationSession(association: association, connection: connection, actor: "worker:\(options.owner)", logger: logger,
                                         plugins: plugins)
        do {
            let result = try session.transaction { transaction -> JobResult in
                let configuration: PluginConfiguration
                if kind.pluginID == "core" {
                    configuration = PluginConfiguration(pluginID: "core", values: [:], explicitKeys: [])
                } else {
                    let store = PluginStore(transaction)
                    let state = try store.state(of: try store.plugin(kind.pluginID))
                    guard state.enabled else { throw PluginDisabled(pluginID: kind.pluginID) }
                    configuration = state.configuration
                }
                let result = try kind.run(JobContext(jobID: job.id, attempt: job.attempt, parameters: job.parameters,
                                                     configuration: configuration, transaction: transaction, logger: logger))
                let counts = JSONB(result.counts)
                // Done only if this slot still holds the job; otherwise its work rolls back.
                let marked = try transaction.execute("""
                    UPDATE jobs SET state = 'succeeded', finished_at = now(), result = \(counts), lease_owner = NULL,
                           lease_expires_at = NULL, last_error = NULL
                    WHERE id = \(job.id) AND state = 'running' AND lease_owner = \(options.owner)
                    """)
                guard marked == 1 else { throw LeaseLost() }
                try transaction.execute("""
                    UPDATE job_runs SET outcome = 'succeeded', finished_at = clock_timestamp(),
                           duration_ms = \(elapsed()), counts = \(counts)
                    WHERE id = \(job.runID)
                    """)
                return result
            }
            outcome.counts = result.counts
        } catch is LeaseLost {
            outcome.result = "lost"
            try? recordRun(job, outcome: "abandoned", error: "the job was cancelled or taken over while it ran; its work was rolled back",
                           milliseconds: elapsed())
        } catch let disabled as PluginDisabled {
            outcome.result = "skipped"
            try finish(job, state: "skipped", runOutcome: "skipped",
                       error: "the \(disabled.pluginID) plugin is not enabled for \(association.slug)", milliseconds: elapsed())
        } catch let error as PostgresError where error.kind == .connectionLost {
            throw error
        } catch let error as PostgresError where error.sqlState == .queryCanceled {
            outcome.result = "released"
            try release(job, milliseconds: elapsed())
        } catch let error as SanadError where error.kind != .failure {
            // Bad parameters or missing data fail the same way every time: no retry.
            outcome.result = "failed"
            try finish(job, state: "failed", runOutcome: "failed", error: error.message, milliseconds: elapsed())
        } catch {
            outcome.result = job.attempt >= job.maxAttempts ? "failed" : "retrying"
            try fail(job, error: Self.describe(error), milliseconds: elapsed())
        }
        outcome.milliseconds = elapsed()
        return outcome
    }

    struct PluginDisabled: Error {
        let pluginID: String
    }

    /// An error as stored with the job: Sanad's own sentences, or the database error's
    /// generic description (its message could quote values).
    static func describe(_ error: any Error) -> String {
        switch error {
        case let error as SanadError: error.message
        case let error as PostgresError: error.description
        default: String(describing: type(of: error))
        }
    }

    /// Records a failure: queued again after a backoff, or failed for good at the last attempt.
    private func fail(_ job: ClaimedJob, error: String, milliseconds: Int64) throws {
        let backoff = min(3600.0, 15 * pow(2, Double(job.attempt - 1))) * Double.random(in: 0.8...1.2)
        try connection.withTransaction { transaction in
            try transaction.execute("""
                UPDATE jobs SET state = CASE WHEN attempts >= max_attempts THEN 'failed' ELSE 'queued' END,
                       run_at = now() + \(backoff) * interval '1 second', last_error = \(error),
                       finished_at = CASE WHEN attempts >= max_attempts THEN now() END,
                       lease_owner = NULL, lease_expires_at = NULL
                WHERE association_id = \(job.associationID) AND id = \(job.id) AND state = 'running' AND lease_owner = \(options.owner)
                """)
            try recordRun(job, outcome: "failed", error: error, milliseconds: milliseconds, on: transaction)
        }
    }

    /// Ends a job in a final state (failed for good, skipped) and its run.
    private func finish(_ job: ClaimedJob, state: String, runOutcome: String, error: String, milliseconds: Int64) throws {
        try connection.withTransaction { transaction in
            try transaction.execute("""
                UPDATE jobs SET state = \(state), last_error = \(error), finished_at = now(), lease_owner = NULL, lease_expires_at = NULL
                WHERE association_id = \(job.associationID) AND id = \(job.id) AND lease_owner = \(options.owner)
                """)
            try recordRun(job, outcome: runOutcome, error: error, milliseconds: milliseconds, on: transaction)
        }
    }

    /// Gives a job back untouched (the worker is shutting down): it runs again at once, and
    /// the attempt does not count.
    private func release(_ job: ClaimedJob, milliseconds: Int64) throws {
        try connection.withTransaction { transaction in
            try transaction.execute("""
                UPDATE jobs SET state = 'queued', attempts = greatest(attempts - 1, 0), run_at = now(), lease_owner = NULL,
                       lease_expires_at = NULL
                WHERE association_id = \(job.associationID) AND id = \(job.id) AND lease_owner = \(options.owner)
                """)
            try recordRun(job, outcome: "released", error: "the worker shut down before the job finished", milliseconds: milliseconds,
                          on: transaction)
        }
    }

    private func recordRun(_ job: ClaimedJob, outcome: String, error: String?, milliseconds: Int64, on transaction: Connection? = nil) throws {
        try (transaction ?? connection).execute("""
            UPDATE job_runs SET outcome = \(outcome), error = \(error), finished_at = clock_timestamp(), duration_ms = \(milliseconds)
            WHERE association_id = \(job.associationID) AND id = \(job.runID)
            """)
    }

    // MARK: Leases

    /// Extends the leases of every job held by these owners (called from another connection
    /// while the jobs run).
    public static func renewLeases(owners: [String], lease: Duration, on connection: Connection) throws {
        try connection.execute("""
            UPDATE jobs SET lease_expires_at = now() + \(Double(lease.components.seconds)) * interval '1 second'
            WHERE state = 'running' AND lease_owner = ANY(\(owners))
            """)
    }
}
