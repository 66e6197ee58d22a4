public import Foundation
internal import Postgres

/// Jobs and schedules of one association, as people manage them.
public struct JobStore {
    public let transaction: AssociationTransaction

    public init(_ transaction: AssociationTransaction) {
        self.transaction = transaction
    }

    var timeZone: TimeZone { TimeZone(identifier: transaction.association.timeZone) ?? .gmt }

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

    public func list(state: String?, limit: Int) throws -> [OutputRecord] {
        if let state, !["queued", "running", "succeeded", "failed", "cancelled", "skipped"].contains(state) {
            throw SanadError.invalid("unknown job state \"\(state)\"", hint: "use queued, running, succeeded, failed, cancelled or skipped")
        }
        return try transaction.query("""
            SELECT id, kind, state, attempts, max_attempts, run_at, schedule_id, created_at, finished_at, last_error, result::text
            FROM jobs WHERE (\(state)::text IS NULL OR state = \(state))
            ORDER BY id DESC LIMIT \(limit)
            """).map(Self.jobRecord)
    }

    static func jobRecord(_ row: Row) throws -> OutputRecord {
        [
            "id": .integer(try row.decode(Int64.self, at: 0)), "kind": .text(try row.decode(String.self, at: 1)),
            "state": .text(try row.decode(String.self, at: 2)), "attempts": .integer(try row.decode(Int64.self, at: 3)),
            "max_attempts": .integer(try row.decode(Int64.self, at: 4)), "run_at": .timestamp(try row.decode(Date.self, at: 5)),
            "schedule_id": .of(try row.decode(Int64?.self, at: 6)), "created_at": .timestamp(try row.decode(Date.self, at: 7)),
            "finished_at": .of(try row.decode(Date?.self, at: 8)), "last_error": .of(try row.decode(String?.self, at: 9)),
            "result": .of(try row.decode(String?.self, at: 10)),
        ]
    }

    /// A job with every run recorded for it.
    public func show(_ id: Int64) throws -> OutputRecord {
        guard let row = try transaction.query("""
            SELECT id, kind, state, attempts, max_attempts, run_at, schedule_id, created_at, finished_at, last_error, result::text,
                   parameters::text, created_by
            FROM jobs WHERE id = \(id)
            """).singleRow() else {
            throw SanadError.notFound("there is no job #\(id)", hint: "see jobs with: sanad jobs list")
        }
        var record = try Self.jobRecord(row)
        record.append("parameters", .text(try row.decode(String.self, at: 11)))
        record.append("created_by", .text(try row.decode(String.self, at: 12)))
        let runs = try transaction.query("""
            SELECT attempt, worker, started_at, finished_at, duration_ms, outcome, error, counts::text
            FROM job_runs WHERE job_id = \(id) ORDER BY id
            """).map { row -> OutputValue in
            .record([
                "attempt": .integer(try row.decode(Int64.self, at: 0)), "worker": .text(try row.decode(String.self, at: 1)),
                "started_at": .timestamp(try row.decode(Date.self, at: 2)), "finished_at": .of(try row.decode(Date?.self, at: 3)),
                "duration_ms": .of(try row.decode(Int64?.self, at: 4)), "outcome": .text(try row.decode(String.self, at: 5)),
                "error": .of(try row.decode(String?.self, at: 6)), "counts": .of(try row.decode(String?.self, at: 7)),
            ])
        }
        record.append("runs", .list(runs))
        return record
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
            return SanadError.notFound("there is no job #\(id)", hint: "see jobs with: sanad jobs list")
        }
        return SanadError.conflict("job #\(id) is \(try row.decode(String.self, at: 0)); only \(allowed) jobs can be \(action == "retry" ? "retried" : "cancelled")",
                                   hint: "see it with: sanad jobs show \(id)")
    }

    // MARK: Schedules

    /// Adds a schedule; returns its id and the next five times it will fire.
    public func addSchedule(_ kind: String, cron text: String, parameters: [String: String]) throws -> (id: Int64, upcoming: [Date]) {
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
        return (id, upcoming)
    }

    public func schedules() throws -> [OutputRecord] {
        try transaction.query("""
            SELECT id, kind, cron, parameters::text, next_run_at, last_fired_at, created_by FROM schedules ORDER BY id
            """).map { row in
            [
                "id": .integer(try row.decode(Int64.self, at: 0)), "kind": .text(try row.decode(String.self, at: 1)),
                "cron": .text(try row.decode(String.self, at: 2)), "parameters": .text(try row.decode(String.self, at: 3)),
                "next_run_at": .timestamp(try row.decode(Date.self, at: 4)), "last_fired_at": .of(try row.decode(Date?.self, at: 5)),
                "created_by": .text(try row.decode(String.self, at: 6)),
            ]
        }
    }

    public func removeSchedule(_ id: Int64) throws {
        guard try transaction.execute("DELETE FROM schedules WHERE id = \(id)") == 1 else {
            throw SanadError.notFound("there is no schedule #\(id)", hint: "see schedules with: sanad schedule list")
        }
    }
}
