-- 010_draining: a daemon says in its row when it starts to drain (SIGTERM:
-- it claims nothing more and waits for its running jobs), so that `spawnq
-- workers` and the web console can tell a daemon on its way out from one
-- that serves. The drain ends by deleting the row, as before.
ALTER TABLE spawnq.workers ADD COLUMN draining_since timestamptz;
