-- 003_schedules: the newest tick each cron schedule has fired. Daemons race
-- to move it forward (INSERT … ON CONFLICT DO UPDATE … WHERE last_tick <
-- the new tick); the row lock lets exactly one win per tick, so each tick is
-- enqueued once however many daemons share the database.
CREATE TABLE spawnq.schedules (
  name         text PRIMARY KEY,
  last_tick    timestamptz NOT NULL,  -- taken: enqueued, or skipped for overlap
  last_job_id  bigint,                -- the job the newest enqueued tick made
  updated_at   timestamptz NOT NULL DEFAULT now()
);
