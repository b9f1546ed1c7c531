-- 002_recovery: what rescuing jobs and cancelling running ones need.

-- Which kernel and pid namespace a daemon runs in, so a daemon restarted on
-- the same host can prove its predecessor is gone (pid not running in the
-- same namespace of the same boot) and rescue its jobs without waiting.
ALTER TABLE spawnq.workers
  ADD COLUMN boot_id text,
  ADD COLUMN pid_namespace text;

-- `spawnq cancel` on a running job sets this; the owning daemon stops the
-- child and records `cancelled`. A rescued job that was asked to stop is
-- cancelled rather than retried.
ALTER TABLE spawnq.jobs ADD COLUMN cancel_requested_at timestamptz;

-- Serves the sweep of workers that stopped heartbeating.
CREATE INDEX workers_heartbeat_idx ON spawnq.workers (heartbeat_at);
