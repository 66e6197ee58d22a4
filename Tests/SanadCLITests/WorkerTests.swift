import Foundation
import Glibc
import Postgres
import PostgresServer
import SanadCore
import SanadTestSupport
import Testing

/// Plugins per association, schedules, and `sanad worker` under races, crashes and restarts.
@Suite("Plugins, jobs and the worker", .timeLimit(.minutes(3)))
struct WorkerTests {
    let database: ConnectionConfiguration
    let sanad: SanadProcess
    let connection: Connection

    init() throws {
        database = try TestDatabase.fresh("worker")
        sanad = SanadProcess(database: database, extra: ["SANAD_ASSOCIATION": "north"])
        connection = try TestDatabase.connect(database)
        for (slug, name) in [("north", "جمعية الشمال"), ("south", "South Relief")] {
            try sanad.succeed(["association", "add", slug, "--name", name, "--country", "LB", "--currency", "LBP",
                               "--time-zone", "Asia/Beirut", "--language", "ar"])
        }
    }

    func scalar(_ sql: SQL) throws -> Int {
        try connection.query(sql)[0].decode(Int.self, at: 0)
    }

    /// Polls until `condition` holds or `seconds` pass.
    func waitUntil(_ seconds: Double, _ condition: () throws -> Bool) throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return true }
            usleep(100_000)
        }
        return try condition()
    }

    /// Starts `sanad worker` logging at info, its documented default.
    func startWorker(_ extra: [String] = [], on process: SanadProcess? = nil) throws -> ProcessRunner.Running {
        var worker = process ?? sanad
        worker.environment["SANAD_LOG_LEVEL"] = "info"
        return try worker.start(["worker", "--poll-interval", "0.2"] + extra)
    }

    @Test("plugins are enabled and configured per association, with validated settings kept in the audit log")
    func perAssociationPlugins() throws {
        let enabled = try sanad.json(["plugin", "enable", "influence-audit", "--set", "concentration_warn=0.3"]) as! [String: Any]
        #expect(enabled["enabled"] as? Bool == true)
        let listNorth = try sanad.json(["plugin", "list"]) as! [[String: Any]]
        let listSouth = try sanad.json(["plugin", "list", "-a", "south"]) as! [[String: Any]]
        #expect(listNorth.first { $0["plugin"] as? String == "influence-audit" }?["enabled"] as? Bool == true)
        #expect(listSouth.first { $0["plugin"] as? String == "influence-audit" }?["enabled"] as? Bool == false)
        let settings = (listNorth.first { $0["plugin"] as? String == "influence-audit" }?["settings"] as? [[String: Any]]) ?? []
        #expect(settings.first { $0["key"] as? String == "concentration_warn" }?["value"] as? String == "0.3")
        #expect(settings.first { $0["key"] as? String == "concentration_high" }?["default"] as? Bool == true)

        let refusals: [([String], String)] = [
            (["--set", "concentration_wrn=0.3"], "did you mean concentration_warn"),
            (["--set", "concentration_warn=high"], "takes a number from 0 to 1"),
            (["--set", "concentration_warn=1.5"], "takes a number from 0 to 1"),
            (["--set", "window_months=0"], "a whole number from 1 to 120"),
            (["--set", "window_months"], "key=value"),
            (["--unset", "nothing"], "has no setting"),
        ]
        for (arguments, message) in refusals {
            let result = try sanad.run(["plugin", "config", "influence-audit"] + arguments)
            #expect(result.status != 0, "\(arguments)")
            #expect(result.stderr.contains(message), "\(result.stderr)")
        }
        try sanad.succeed(["plugin", "config", "influence-audit", "--set", "window_months=24", "--unset", "concentration_warn"])
        try sanad.succeed(["plugin", "disable", "influence-audit"])
        let after = try sanad.json(["plugin", "config", "influence-audit"]) as! [String: Any]
        #expect(after["enabled"] as? Bool == false)
        let kept = (after["settings"] as? [[String: Any]]) ?? []
        #expect(kept.first { $0["key"] as? String == "window_months" }?["value"] as? String == "24", "disabling keeps settings")
        #expect(kept.first { $0["key"] as? String == "concentration_warn" }?["value"] as? String == "0.25")
        let audited = try connection.query("""
            SELECT action, actor, on_behalf_of FROM audit_log WHERE action LIKE 'plugin.%' ORDER BY id
            """).map { try $0.decode(String.self, String.self, String?.self) }
        #expect(audited.map(\.0) == ["plugin.enable", "plugin.configure", "plugin.disable"])
        #expect(audited.allSatisfy { $0.1 == TestDatabase.testUser && $0.2 == "test" }, "the login acted, on behalf of SANAD_ACTOR")
    }

    @Test("three workers racing over 500 due jobs run each exactly once; a schedule fires once per due time")
    func racingWorkers() throws {
        let north = try scalar("SELECT id FROM associations WHERE slug = 'north'")
        try connection.execute("""
            INSERT INTO jobs (association_id, kind, created_by) SELECT \(north), 'core.summary', 'test' FROM generate_series(1, 500)
            """)
        try sanad.succeed(["schedule", "add", "core.summary", "--cron", "* * * * *"])
        try connection.execute("UPDATE schedules SET next_run_at = date_trunc('second', now()) - interval '30 seconds'")
        let missed = try scalar("SELECT extract(epoch FROM next_run_at)::bigint FROM schedules")
        let workers = try (0..<3).map { _ in try startWorker(["--concurrency", "2"]) }
        let done = try waitUntil(90) { try scalar("SELECT count(*) FROM jobs WHERE state = 'succeeded' AND schedule_id IS NULL") == 500 }
        workers.forEach { $0.signal(SIGTERM) }
        let outcomes = workers.map { $0.wait() }
        #expect(done)
        #expect(outcomes.map(\.status) == [0, 0, 0], "\(outcomes.map(\.errorOutput))")
        #expect(try scalar("SELECT count(*) FROM job_runs WHERE outcome = 'succeeded'") == (try scalar("SELECT count(*) FROM jobs WHERE state = 'succeeded'")))
        #expect(try scalar("SELECT count(*) FROM (SELECT job_id FROM job_runs GROUP BY job_id HAVING count(*) > 1) repeated") == 0)
        #expect(try scalar("SELECT count(DISTINCT split_part(worker, ':', 2)) FROM job_runs") == 3, "all three workers took jobs")
        // A run that crosses the next minute also fires that minute's due time, once.
        #expect(try scalar("SELECT count(*) FROM jobs WHERE schedule_id IS NOT NULL AND extract(epoch FROM scheduled_for)::bigint = \(missed)") == 1,
                "one job for the missed due time")
        #expect(try scalar("""
            SELECT count(*) FROM jobs WHERE schedule_id IS NOT NULL AND extract(epoch FROM scheduled_for)::bigint <> \(missed)
              AND (scheduled_for <= to_timestamp(\(missed)) OR scheduled_for <> date_trunc('minute', scheduled_for))
            """) == 0, "any other job is a later minute's due time")
        #expect(try scalar("SELECT count(*) FROM schedules WHERE next_run_at > now()") == 1)
        let log = outcomes.map(\.errorOutput).joined()
        #expect(log.contains("core.summary association=north outcome=succeeded"))
        #expect(!log.contains("جمعية الشمال"), "logs carry slugs and ids, not names")
    }

    @Test("a worker killed mid-job leaves the job to exactly one completed run after its lease")
    func killedWorker() throws {
        try sanad.succeed(["jobs", "add", "core.summary", "--param", "pause_seconds=3"])
        let first = try startWorker(["--lease", "3"])
        let started = try waitUntil(20) { try scalar("SELECT count(*) FROM job_runs WHERE outcome = 'running'") == 1 }
        #expect(started)
        first.signal(SIGKILL)
        _ = first.wait()
        let second = try startWorker(["--lease", "3"])
        let finished = try waitUntil(40) { try scalar("SELECT count(*) FROM jobs WHERE state = 'succeeded'") == 1 }
        second.signal(SIGTERM)
        #expect(second.wait().status == 0)
        #expect(finished)
        let runs = try connection.query("SELECT outcome FROM job_runs ORDER BY id").map { try $0.decode(String.self, at: 0) }
        #expect(runs == ["abandoned", "succeeded"])
        #expect(try scalar("SELECT attempts FROM jobs") == 2)
    }

    @Test("SIGTERM lets the running job finish, then the worker exits 0")
    func gracefulShutdown() throws {
        try sanad.succeed(["jobs", "add", "core.summary", "--param", "pause_seconds=2"])
        let worker = try startWorker()
        #expect(try waitUntil(20) { try scalar("SELECT count(*) FROM job_runs WHERE outcome = 'running'") == 1 })
        worker.signal(SIGTERM)
        let outcome = worker.wait()
        #expect(outcome.status == 0, "\(outcome.errorOutput)")
        #expect(try scalar("SELECT count(*) FROM jobs WHERE state = 'succeeded'") == 1)
    }

    @Test("a failing job retries with backoff up to its limit and keeps every error")
    func retriesWithBackoff() throws {
        try sanad.succeed(["jobs", "add", "core.summary", "--attempts", "3"])
        try connection.execute("REVOKE SELECT ON interactions FROM sanad_app")
        defer { _ = try? connection.execute("GRANT SELECT ON interactions TO sanad_app") }
        for attempt in 1...3 {
            let result = try sanad.json(["jobs", "run-due", "--once"]) as! [[String: Any]]
            #expect(result.first?["outcome"] as? String == (attempt < 3 ? "retrying" : "failed"))
            if attempt < 3 {
                #expect(try scalar("SELECT (run_at > now() + interval '5 seconds')::int FROM jobs") == 1, "backed off")
                try connection.execute("UPDATE jobs SET run_at = now()")
            }
        }
        #expect(try connection.query("SELECT state FROM jobs")[0].decode(String.self, at: 0) == "failed")
        let errors = try connection.query("SELECT error FROM job_runs ORDER BY id").map { try $0.decode(String?.self, at: 0) }
        #expect(errors.count == 3)
        #expect(errors.allSatisfy { $0?.contains("42501") == true })
        let shown = try sanad.json(["jobs", "show", "1"]) as! [String: Any]
        #expect((shown["runs"] as? [Any])?.count == 3)
        try connection.execute("GRANT SELECT ON interactions TO sanad_app")
        try sanad.succeed(["jobs", "retry", "1"])
        let rerun = try sanad.json(["jobs", "run-due", "--once"]) as! [[String: Any]]
        #expect(rerun.first?["outcome"] as? String == "succeeded")
    }

    @Test("a worker carries on after PostgreSQL restarts under it")
    func survivesRestart() throws {
        let (cluster, configuration) = try TestDatabase.privateCluster("restart")
        defer { try? cluster.destroy(logger: TestDatabase.logger) }
        let process = SanadProcess(database: configuration, extra: ["SANAD_ASSOCIATION": "solo"])
        try process.succeed(["association", "add", "solo", "--name", "Solo", "--country", "GB", "--currency", "GBP",
                             "--time-zone", "Europe/London", "--language", "en"])
        let worker = try startWorker([], on: process)
        try process.succeed(["jobs", "add", "core.summary"])
        func succeeded() throws -> Int {
            try TestDatabase.connect(configuration).query("SELECT count(*) FROM jobs WHERE state = 'succeeded'")[0].decode(Int.self, at: 0)
        }
        #expect(try waitUntil(20) { try succeeded() == 1 })
        try cluster.stop(logger: TestDatabase.logger)
        usleep(1_500_000)
        try cluster.ensureRunning(logger: TestDatabase.logger)
        try process.succeed(["jobs", "add", "core.summary"])
        #expect(try waitUntil(40) { try succeeded() == 2 })
        worker.signal(SIGTERM)
        let outcome = worker.wait()
        #expect(outcome.status == 0)
        #expect(outcome.errorOutput.contains("reconnected"), "\(outcome.errorOutput)")
    }

    @Test("a sanad process killed while waiting on a lock leaves no server session behind")
    func killedClientSessionEnds() throws {
        let observer = try TestDatabase.connect(database)
        func waitingSessions() throws -> Int {
            try observer.query("""
                SELECT count(*) FROM pg_stat_activity
                WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()
                """)[0].decode(Int.self, at: 0)
        }
        try connection.execute("BEGIN")
        try connection.execute("LOCK TABLE contacts IN ACCESS EXCLUSIVE MODE")
        defer { _ = try? connection.execute("ROLLBACK") }
        let adding = try sanad.start(["contact", "add", "Waiting Person"])
        #expect(try waitUntil(20) { try waitingSessions() == 1 }, "the command waits for the lock")
        adding.signal(SIGKILL)
        _ = adding.wait()
        // Without client_connection_check_interval the backend would wait as long as the lock is held.
        #expect(try waitUntil(20) { try waitingSessions() == 0 }, "the server ends the dead client's session")
    }

    @Test("run-due runs nothing twice and schedules print their next five times in the association's zone")
    func scheduleCommands() throws {
        let added = try sanad.json(["schedule", "add", "core.summary", "--cron", "30 7 * * MON-FRI"]) as! [String: Any]
        let upcoming = (added["next_runs"] as? [String]) ?? []
        #expect(upcoming.count == 5)
        #expect(upcoming.allSatisfy { $0.hasSuffix("T07:30:00+02:00") || $0.hasSuffix("T07:30:00+03:00") }, "07:30 Beirut time, with its offset")
        let refused = try sanad.run(["schedule", "add", "core.summary", "--cron", "0 25 * * *"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("position 3"))
        #expect(try (sanad.json(["jobs", "run-due", "--once"]) as! [Any]).isEmpty)
        try sanad.succeed(["schedule", "remove", String(added["schedule"] as! Int)])
        #expect(try (sanad.json(["schedule", "list"]) as! [Any]).isEmpty)
    }
}
