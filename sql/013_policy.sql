-- 013_policy: which setting gave a job its max_attempts. A claim fills in a
-- job without one from its handler (handlers: TYPE: max_attempts), else its
-- queue, else the global default, and says which here, so that `spawnq show`
-- can name the level that applied: job, handler, queue or default. NULL
-- until a job is claimed (a job enqueued with max_attempts says 'job' then).
ALTER TABLE spawnq.jobs ADD COLUMN max_attempts_from text
  CHECK (max_attempts_from IN ('job', 'handler', 'queue', 'default'));
