public import Foundation
internal import Postgres

/// Jobs and schedules of one association, as people manage them.
public struct JobStore {
    public let transaction: AssociationTransaction

    public init(_ transaction: AssociationTransaction) {
        self.transaction = transaction
    }

    var timeZone: TimeZone { transaction.association.zone }

    /// Checks that the kind exists and its plugin is enabled here.
    func checkRunnable(_ kind: String, parameters: [String: String]) throws -> JobKind {
        let jobKind = try transaction.plugins.jobs.validated(kind, parameters: parameters)
        if jobKind.pluginID != "core" { _ = try PluginStore(transaction).requireEnabled(jobKind.pluginID) }
        return jobKind
    }

    /// Queues a job to run now (or at `runAt`).
    @discardableResult
    public func enqueue(_ kind: String, parameters: [String: String] = [:], runAt: Date? = nil, maxAttempts: Int = 5) throws -> Int64 {
        _ = try checkRunnable(kind, parameters: parameters)
        guard (1...100).contains(maxAttempts) else {
            throw SanadError.invalid("attempts must be from 1 to 100", hint: "the default is 5")
        }
        return try transaction.query("""
            INSERT INTO jobs (kind, parameters, run_at, max_attempts)
            VALUES (\(kind), \(JSONB(parameters)), coalesce(\(runAt)::timestamptz, now()), \(maxAttempts))
            RETURNING id
            """)[0].decode(Int64.self, at: 0)
    }

    public func list(state: String?, limit: Int) throws -> [Job] {
        if let state, !["queued", "running", "succeeded", "failed", "cancelled", "skipped"].contains(state) {
            throw SanadError.invalid("unknown job state \"\(state)\"", hint: "use queued, running, succeeded, failed, cancelled or skipped")
        }
        return try transaction.query("""
            SELECT \(Job.columns) FROM jobs WHERE (\(state)::text IS NULL OR state = \(state))
            ORDER BY id DESC LIMIT \(limit)
            """).map { try $0.decode(Job.self) }
    }

    /// A job with every run recorded for it.
    public func show(_ id: Int64) throws -> JobDetails {
        guard let row = try transaction.query("""
            SELECT \(Job.columns), parameters::text AS parameters, created_by FROM jobs WHERE id = \(id)
            """).singleRow() else {
            throw SanadError.notFound("there is no job #\(id)", hint: "see the jobs", remedy: .listJobs)
        }
        let runs = try transaction.query("""
            SELECT attempt, worker, started_at, finished_at, duration_ms, outcome, error, counts::text AS counts
            FROM job_runs WHERE job_id = \(id) ORDER BY id
            """).map { try $0.decode(JobRun.self) }
        return JobDetails(job: try row.decode(Job.self), parameters: try row.decode("parameters"), createdBy: try row.decode("created_by"),
                          runs: runs)
    }

    /// Queues a failed, cancelled or skipped job again with fresh attempts.
    public func retry(_ id: Int64) throws {
        let changed = try transaction.execute("""
            UPDATE jobs SET state = 'queued', attempts = 0, run_at = now(), finished_at = NULL, last_error = NULL
            WHERE id = \(id) AND state IN ('failed', 'cancelled', 'skipped')
            """)
        guard changed == 1 else { throw try stateError(id, action: "retry", allowed: "failed, cancelled or skipped") }
    }

    /// Cancels a queued job, or a running one (its work is rolled back when it tries to finish).
    public func cancel(_ id: Int64) throws {
        let changed = try transaction.execute("""
            UPDATE jobs SET state = 'cancelled', finished_at = now(), lease_owner = NULL, lease_expires_at = NULL
            WHERE id = \(id) AND state IN ('queued', 'running')
            """)
        guard changed == 1 else { throw try stateError(id, action: "cancel", allowed: "queued or running") }
    }

    private func stateError(_ id: Int64, action: String, allowed: String) throws -> SanadError {
        guard let row = try transaction.query("SELECT state FROM jobs WHERE id = \(id)").singleRow() else {
            return SanadError.notFound("there is no job #\(id)", hint: "see the jobs", remedy: .listJobs)
        }
        return SanadError.conflict("job #\(id) is \(try row.decode(String.self, at: 0)); only \(allowed) jobs can be \(action == "retry" ? "retried" : "cancelled")",
                                   hint: "see it", remedy: .showJob(id))
    }

    // MARK: Schedules

    /// Adds a schedule; returns it with the next five times it will fire.
    public func addSchedule(_ kind: String, cron text: String, parameters: [String: String]) throws -> NewSchedule {
        _ = try checkRunnable(kind, parameters: parameters)
        let cron: CronExpression
        do {
            cron = try CronExpression(text)
        } catch {
            throw SanadError.invalid(error.description, hint: "five fields: minute hour day-of-month month day-of-week, such as \"0 3 * * *\"")
        }
        let upcoming = cron.upcoming(5, after: Date(), in: timeZone)
        guard let first = upcoming.first else {
            throw SanadError.invalid("cron expression \"\(text)\" never fires", hint: "check the day of month and month (February has no 30th)")
        }
        let id = try transaction.query("""
            INSERT INTO schedules (kind, cron, parameters, next_run_at) VALUES (\(kind), \(cron.text), \(JSONB(parameters)), \(first))
            RETURNING id
            """)[0].decode(Int64.self, at: 0)
        return NewSchedule(id: id, kind: kind, cron: text, nextRuns: upcoming, timeZone: transaction.association.timeZone)
    }

    public func schedules() throws -> [Schedule] {
        try transaction.query("""
            SELECT id, kind, cron, parameters::text AS parameters, next_run_at, last_fired_at, created_by FROM schedules ORDER BY id
            """).map { try $0.decode(Schedule.self) }
    }

    public func removeSchedule(_ id: Int64) throws {
        guard try transaction.execute("DELETE FROM schedules WHERE id = \(id)") == 1 else {
            throw SanadError.notFound("there is no schedule #\(id)", hint: "see the schedules", remedy: .listSchedules)
        }
    }
}

/// A queued, running or finished job.
public struct Job: Sendable, Codable, Equatable {
    public var id: Int64
    public var kind: String
    /// queued, running, succeeded, failed, cancelled or skipped.
    public var state: String
    public var attempts: Int64
    public var maxAttempts: Int64
    public var runAt: Date
    public var scheduleID: Int64?
    public var createdAt: Date
    public var finishedAt: Date?
    public var lastError: String?
    /// The job's result as JSON text.
    public var result: String?

    enum CodingKeys: String, CodingKey {
        case id, kind, state, attempts, maxAttempts = "max_attempts", runAt = "run_at", scheduleID = "schedule_id",
             createdAt = "created_at", finishedAt = "finished_at", lastError = "last_error", result
    }

    static let columns: SQL = """
        id, kind, state, attempts, max_attempts, run_at, schedule_id, created_at, finished_at, last_error, result::text AS result
        """
}

/// A job with its parameters and every attempt at it.
public struct JobDetails: Sendable, Codable, Equatable {
    public var job: Job
    /// The parameters as JSON text.
    public var parameters: String
    public var createdBy: String
    public var runs: [JobRun]

    enum CodingKeys: String, CodingKey {
        case parameters, createdBy = "created_by", runs
    }

    public init(job: Job, parameters: String, createdBy: String, runs: [JobRun]) {
        self.job = job
        self.parameters = parameters
        self.createdBy = createdBy
        self.runs = runs
    }

    // The job's own fields come first and flat, as `jobs show` prints them.
    public init(from decoder: any Decoder) throws {
        job = try Job(from: decoder)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        parameters = try container.decode(String.self, forKey: .parameters)
        createdBy = try container.decode(String.self, forKey: .createdBy)
        runs = try container.decode([JobRun].self, forKey: .runs)
    }

    public func encode(to encoder: any Encoder) throws {
        try job.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(parameters, forKey: .parameters)
        try container.encode(createdBy, forKey: .createdBy)
        try container.encode(runs, forKey: .runs)
    }
}

/// One attempt at a job.
public struct JobRun: Sendable, Codable, Equatable {
    public var attempt: Int64
    public var worker: String
    public var startedAt: Date
    public var finishedAt: Date?
    public var durationMS: Int64?
    public var outcome: String
    public var error: String?
    /// What the job counted, as JSON text.
    public var counts: String?

    enum CodingKeys: String, CodingKey {
        case attempt, worker, startedAt = "started_at", finishedAt = "finished_at", durationMS = "duration_ms", outcome, error, counts
    }
}

/// A schedule just added, with the next times it fires in the association's zone.
public struct NewSchedule: Sendable, Codable, Equatable {
    public var id: Int64
    public var kind: String
    public var cron: String
    public var nextRuns: [Date]
    public var timeZone: String

    enum CodingKeys: String, CodingKey { case id = "schedule", kind, cron, nextRuns = "next_runs", timeZone = "time_zone" }
}

/// A cron schedule that queues a job of one kind.
public struct Schedule: Sendable, Codable, Equatable {
    public var id: Int64
    public var kind: String
    public var cron: String
    /// The parameters as JSON text.
    public var parameters: String
    public var nextRunAt: Date
    public var lastFiredAt: Date?
    public var createdBy: String

    enum CodingKeys: String, CodingKey {
        case id, kind, cron, parameters, nextRunAt = "next_run_at", lastFiredAt = "last_fired_at", createdBy = "created_by"
    }
}
