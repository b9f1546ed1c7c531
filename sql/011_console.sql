-- 011_console: what the web console (`spawnq web`) needs from the database
-- beyond the jobs themselves.
--
-- Each daemon says in its row how many workers it runs per queue, so that the
-- console can show "running / max" for a queue across the whole cluster;
-- a daemon of an older version leaves it NULL and counts as unknown.
ALTER TABLE spawnq.workers ADD COLUMN max_workers jsonb;

-- The message of a job's newest progress line ({"progress": 0.4, "message":
-- "…"}), shown beside its progress.
ALTER TABLE spawnq.jobs ADD COLUMN progress_message text;

-- The host that ran each attempt, kept after its daemon's row is gone (the
-- claim copies it from that row once per claim, not per job).
ALTER TABLE spawnq.job_attempts ADD COLUMN host text;

-- Every action taken from the console: who, what, on which jobs, and what
-- came of it. Written in its own transaction after the action, so a refused
-- action is recorded too; never updated. `spawnq cleanup` leaves it alone.
CREATE TABLE spawnq.audit_log (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at         timestamptz NOT NULL DEFAULT now(),
  user_name  text NOT NULL,           -- '' for the anonymous viewer (who may not act)
  action     text NOT NULL,           -- retry, cancel, delete, pause, resume, run_schedule
  target     text NOT NULL,           -- "jobs", a queue or a schedule name
  job_ids    bigint[] NOT NULL DEFAULT '{}',
  detail     text NOT NULL DEFAULT '' -- the result, as the console showed it
);

-- The console's filters and capped counts on big tables. Terminal jobs are
-- most of the table: their index now carries queue and job_type, so a count
-- or a filter by either reads the index alone (the keys are unchanged, so
-- cleanup and retention use it as before). Rebuilding it holds writes to
-- spawnq.jobs for as long as the build takes (about a second per million
-- finished jobs). `--since` and the console's since= read a BRIN index on
-- created_at: a few pages for any size of table, next to nothing to keep up,
-- since ids and creation times grow together.
DROP INDEX spawnq.jobs_finished_idx;
CREATE INDEX jobs_finished_idx ON spawnq.jobs (status, finished_at) INCLUDE (queue, job_type)
  WHERE status IN ('done', 'failed', 'dead', 'cancelled');
CREATE INDEX jobs_created_brin ON spawnq.jobs USING brin (created_at);
-- Waiting jobs by status, queue and type: the console's counts of pending
-- and retry_wait read this rather than the table (with few or none of a
-- status the planner would otherwise scan the table for them). A claim
-- takes a job out of it without writing to it; only an enqueue or a retry
-- adds an entry.
CREATE INDEX jobs_waiting_idx ON spawnq.jobs (status, queue, job_type) WHERE status IN ('pending', 'retry_wait');
-- A search of the error text reads only jobs that have one: few beside the
-- done jobs that never failed, and kept up only when a job fails.
CREATE INDEX jobs_error_idx ON spawnq.jobs (status, id) WHERE last_error IS NOT NULL;

-- Serves the failures page: failed and dead jobs, newest first.
CREATE INDEX jobs_failed_idx ON spawnq.jobs (finished_at DESC)
  WHERE status IN ('failed', 'dead');

DO $$
BEGIN
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'spawnq_daemon') THEN
    GRANT SELECT, INSERT ON spawnq.audit_log TO spawnq_daemon;
    GRANT USAGE, SELECT ON SEQUENCE spawnq.audit_log_id_seq TO spawnq_daemon;
  END IF;
END
$$;
