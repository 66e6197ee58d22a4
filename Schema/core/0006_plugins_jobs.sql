-- Plugins enabled per association, and scheduled jobs.

CREATE TABLE association_plugins (
    association_id bigint NOT NULL DEFAULT sanad_current_association() REFERENCES associations (id),
    plugin_id text NOT NULL,
    enabled boolean NOT NULL,
    settings jsonb NOT NULL DEFAULT '{}',
    updated_at timestamptz NOT NULL DEFAULT now(),
    updated_by text NOT NULL DEFAULT sanad_current_actor(),
    PRIMARY KEY (association_id, plugin_id)
);
SELECT sanad_isolate('association_plugins');

-- Schedules enqueue jobs when next_run_at passes. Workers look for due schedules across
-- all associations, so this index (like the job queue's) does not lead with association_id.
CREATE TABLE schedules (
    association_id bigint NOT NULL DEFAULT sanad_current_association() REFERENCES associations (id),
    id bigint GENERATED ALWAYS AS IDENTITY,
    kind text NOT NULL,
    cron text NOT NULL,
    parameters jsonb NOT NULL DEFAULT '{}',
    next_run_at timestamptz NOT NULL,
    last_fired_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    created_by text NOT NULL DEFAULT sanad_current_actor(),
    PRIMARY KEY (association_id, id)
);
CREATE INDEX schedules_due ON schedules (next_run_at);
SELECT sanad_isolate('schedules');
SELECT sanad_audit('schedules');

-- The job queue. A job is claimed with FOR UPDATE SKIP LOCKED under a lease; a crashed
-- worker's job is claimed again once its lease has expired. A schedule's occurrence is one
-- job however many workers see it due (the unique constraint).
CREATE TABLE jobs (
    association_id bigint NOT NULL DEFAULT sanad_current_association() REFERENCES associations (id),
    id bigint GENERATED ALWAYS AS IDENTITY,
    kind text NOT NULL,
    parameters jsonb NOT NULL DEFAULT '{}',
    schedule_id bigint,
    scheduled_for timestamptz,
    state text NOT NULL DEFAULT 'queued'
        CONSTRAINT jobs_state_known CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'cancelled', 'skipped')),
    run_at timestamptz NOT NULL DEFAULT now(),
    attempts integer NOT NULL DEFAULT 0,
    max_attempts integer NOT NULL DEFAULT 5 CONSTRAINT jobs_max_attempts_positive CHECK (max_attempts > 0),
    lease_owner text,
    lease_expires_at timestamptz,
    last_error text,
    result jsonb,
    created_at timestamptz NOT NULL DEFAULT now(),
    created_by text NOT NULL DEFAULT sanad_current_actor(),
    finished_at timestamptz,
    PRIMARY KEY (association_id, id),
    CONSTRAINT jobs_one_per_occurrence UNIQUE (association_id, schedule_id, scheduled_for),
    FOREIGN KEY (association_id, schedule_id) REFERENCES schedules (association_id, id) ON DELETE SET NULL (schedule_id)
);
CREATE INDEX jobs_queued ON jobs (run_at, id) WHERE state = 'queued';
CREATE INDEX jobs_leased ON jobs (lease_expires_at) WHERE state = 'running';
CREATE INDEX jobs_by_association ON jobs (association_id, created_at DESC);
SELECT sanad_isolate('jobs');

-- Every attempt: who ran it, when, how long, how it ended, and what it counted.
CREATE TABLE job_runs (
    association_id bigint NOT NULL DEFAULT sanad_current_association(),
    id bigint GENERATED ALWAYS AS IDENTITY,
    job_id bigint NOT NULL,
    attempt integer NOT NULL,
    worker text NOT NULL,
    started_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    finished_at timestamptz,
    duration_ms bigint,
    outcome text NOT NULL DEFAULT 'running'
        CONSTRAINT job_runs_outcome_known CHECK (outcome IN ('running', 'succeeded', 'failed', 'skipped', 'abandoned', 'released')),
    error text,
    counts jsonb,
    PRIMARY KEY (association_id, id),
    FOREIGN KEY (association_id, job_id) REFERENCES jobs (association_id, id) ON DELETE CASCADE
);
CREATE INDEX job_runs_by_job ON job_runs (association_id, job_id, id);
SELECT sanad_isolate('job_runs');

-- Wakes idle workers as soon as a job is queued.
CREATE FUNCTION sanad_notify_job_queued() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('sanad_jobs', '');
    RETURN NULL;
END
$$;
CREATE TRIGGER jobs_wake_workers AFTER INSERT OR UPDATE OF state, run_at ON jobs
    FOR EACH STATEMENT EXECUTE FUNCTION sanad_notify_job_queued();
