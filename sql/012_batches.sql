-- 012_batches: batches of jobs with callbacks, and uniqueness over a window
-- of time.
--
-- A batch (spawnq.batch_open) gathers jobs enqueued with `batch => id`;
-- spawnq.batch_close says no more will come. Once it is closed and every
-- member is terminal, its `on_complete` job is enqueued exactly once, and its
-- `on_success` job too when every member is done. The batch row counts its
-- members by status: an insert adds to `total` once per statement, and a
-- member reaching or leaving a terminal status moves one counter, under the
-- batch row's lock, so the member that completes the batch is known without
-- reading the others, and one transaction alone sees the counts reach the
-- total however many daemons finish members at once. A completed batch is
-- history: its counts stay those its callback was given.
--
-- enqueue() gains `unique_for` (an interval): while a job with the same queue
-- and reference was created within it, whatever its status, enqueue()
-- answers that job's id instead of adding one. And `priority` now defaults to
-- NULL, which still means 5.

CREATE TABLE spawnq.batches (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  description     text,
  on_complete     text,                -- job type enqueued once every member is terminal
  on_success      text,                -- job type enqueued once every member is done
  queue           text NOT NULL DEFAULT 'default',  -- the callbacks' queue
  payload         jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(payload) = 'object'),
  created_at      timestamptz NOT NULL DEFAULT now(),
  closed_at       timestamptz,         -- no members may join after it
  completed_at    timestamptz,         -- closed and every member terminal; callbacks enqueued
  total           integer NOT NULL DEFAULT 0,
  done            integer NOT NULL DEFAULT 0,
  failed          integer NOT NULL DEFAULT 0,
  dead            integer NOT NULL DEFAULT 0,
  cancelled       integer NOT NULL DEFAULT 0,
  complete_job_id bigint,
  success_job_id  bigint
);
CREATE INDEX batches_open_idx ON spawnq.batches (id) WHERE completed_at IS NULL;
CREATE INDEX batches_completed_idx ON spawnq.batches (completed_at) WHERE completed_at IS NOT NULL;

-- Set at insert and never changed. A producer's plain INSERT may name it; the
-- functions below leave it out and the default reads the batch their
-- wrapper put in a transaction-local setting for the length of one call
-- (005's and 009's inserts stay as they are: a released migration is never
-- edited, and a second UPDATE per member would cost a row version each).
ALTER TABLE spawnq.jobs
  ADD COLUMN batch_id bigint DEFAULT NULLIF(current_setting('spawnq.enqueue_batch', true), '')::bigint;
CREATE INDEX jobs_batch_idx ON spawnq.jobs (batch_id, id) WHERE batch_id IS NOT NULL;

-- Serves unique_for: the newest job of a queue and reference.
CREATE INDEX jobs_reference_idx ON spawnq.jobs (queue, reference, created_at) WHERE reference IS NOT NULL;

-- Enqueues the callbacks of a batch whose counts just reached its total, and
-- marks it complete. Its caller holds the batch row's lock.
CREATE FUNCTION spawnq_internal.complete_batch(batch bigint) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  b          spawnq.batches%ROWTYPE;
  report     jsonb;
  filling    text := current_setting('spawnq.enqueue_batch', true);
  complete_id bigint;
  success_id bigint;
BEGIN
  SELECT * INTO b FROM spawnq.batches WHERE id = batch;
  IF b.completed_at IS NOT NULL THEN
    RETURN;
  END IF;
  report := jsonb_build_object('batch_id', b.id, 'total', b.total, 'done', b.done, 'failed', b.failed,
                               'dead', b.dead, 'cancelled', b.cancelled, 'payload', b.payload);
  -- The callbacks are not members of any batch.
  PERFORM set_config('spawnq.enqueue_batch', '', true);
  IF b.on_complete IS NOT NULL THEN
    complete_id := spawnq_internal.enqueue(b.on_complete, report, b.queue, NULL, NULL, NULL, NULL, NULL, NULL);
  END IF;
  IF b.on_success IS NOT NULL AND b.done = b.total THEN
    success_id := spawnq_internal.enqueue(b.on_success, report, b.queue, NULL, NULL, NULL, NULL, NULL, NULL);
  END IF;
  PERFORM set_config('spawnq.enqueue_batch', COALESCE(filling, ''), true);
  UPDATE spawnq.batches SET completed_at = now(), complete_job_id = complete_id, success_job_id = success_id
   WHERE id = batch;
END
$$;
REVOKE ALL ON FUNCTION spawnq_internal.complete_batch(bigint) FROM PUBLIC;

-- True when a batch with these columns is closed, not yet complete, and has
-- every member terminal.
CREATE FUNCTION spawnq_internal.batch_is_finished(b spawnq.batches) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
  SELECT b.completed_at IS NULL AND b.closed_at IS NOT NULL AND b.done + b.failed + b.dead + b.cancelled = b.total
$$;

-- New members, once per INSERT statement: counted into their batches, which
-- must exist and be open (a plain INSERT is held to the same rule). Members
-- born terminal (cancelled because a dependency failed) count at once.
CREATE FUNCTION spawnq_internal.count_added_members() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  refused bigint;
  closed  timestamptz;
BEGIN
  WITH added AS (
    SELECT batch_id, count(*) AS n, count(*) FILTER (WHERE status = 'done') AS d,
           count(*) FILTER (WHERE status = 'failed') AS f, count(*) FILTER (WHERE status = 'dead') AS x,
           count(*) FILTER (WHERE status = 'cancelled') AS c
      FROM inserted_jobs WHERE batch_id IS NOT NULL GROUP BY batch_id),
  counted AS (
    UPDATE spawnq.batches b SET total = b.total + a.n, done = b.done + a.d, failed = b.failed + a.f,
           dead = b.dead + a.x, cancelled = b.cancelled + a.c
      FROM added a WHERE b.id = a.batch_id
    RETURNING b.id, b.closed_at)
  SELECT a.batch_id, c.closed_at INTO refused, closed
    FROM added a LEFT JOIN counted c ON c.id = a.batch_id
   WHERE c.id IS NULL OR c.closed_at IS NOT NULL
   ORDER BY a.batch_id LIMIT 1;
  IF refused IS NULL THEN
    RETURN NULL;
  END IF;
  IF closed IS NULL THEN
    RAISE EXCEPTION 'batch % does not exist', refused
      USING ERRCODE = 'invalid_parameter_value', HINT = 'Open one with spawnq.batch_open() first.';
  END IF;
  RAISE EXCEPTION 'batch % is closed (since %): no more jobs may join it', refused, closed
    USING ERRCODE = 'invalid_parameter_value',
          HINT = 'A batch is closed once all its jobs are in; open another batch for more.';
END
$$;
CREATE TRIGGER jobs_batch_insert AFTER INSERT ON spawnq.jobs
  REFERENCING NEW TABLE AS inserted_jobs
  FOR EACH STATEMENT EXECUTE FUNCTION spawnq_internal.count_added_members();

-- A member reaching or leaving a terminal status: one counter update, and
-- the callbacks when that was the last one. The WHEN clause keeps every
-- other update of a job from calling it at all.
CREATE FUNCTION spawnq_internal.count_settled_member() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  b spawnq.batches%ROWTYPE;
BEGIN
  UPDATE spawnq.batches
     SET done = done + (NEW.status = 'done')::int - (OLD.status = 'done')::int,
         failed = failed + (NEW.status = 'failed')::int - (OLD.status = 'failed')::int,
         dead = dead + (NEW.status = 'dead')::int - (OLD.status = 'dead')::int,
         cancelled = cancelled + (NEW.status = 'cancelled')::int - (OLD.status = 'cancelled')::int
   WHERE id = NEW.batch_id AND completed_at IS NULL
  RETURNING * INTO b;
  IF FOUND AND spawnq_internal.batch_is_finished(b) THEN
    PERFORM spawnq_internal.complete_batch(b.id);
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER jobs_batch_settle AFTER UPDATE OF status ON spawnq.jobs
  FOR EACH ROW
  WHEN (OLD.batch_id IS NOT NULL AND OLD.status IS DISTINCT FROM NEW.status
        AND (OLD.status IN ('done', 'failed', 'dead', 'cancelled') OR NEW.status IN ('done', 'failed', 'dead', 'cancelled')))
  EXECUTE FUNCTION spawnq_internal.count_settled_member();

-- Deleted members leave their open batch (which may complete it).
CREATE FUNCTION spawnq_internal.count_deleted_members() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  finished bigint;
BEGIN
  FOR finished IN
    WITH gone AS (
      SELECT batch_id, count(*) AS n, count(*) FILTER (WHERE status = 'done') AS d,
             count(*) FILTER (WHERE status = 'failed') AS f, count(*) FILTER (WHERE status = 'dead') AS x,
             count(*) FILTER (WHERE status = 'cancelled') AS c
        FROM deleted_jobs WHERE batch_id IS NOT NULL GROUP BY batch_id),
    counted AS (
      UPDATE spawnq.batches b SET total = b.total - g.n, done = b.done - g.d, failed = b.failed - g.f,
             dead = b.dead - g.x, cancelled = b.cancelled - g.c
        FROM gone g WHERE b.id = g.batch_id AND b.completed_at IS NULL
      RETURNING b.*)
    SELECT c.id FROM counted c WHERE spawnq_internal.batch_is_finished(c::spawnq.batches) ORDER BY c.id
  LOOP
    PERFORM spawnq_internal.complete_batch(finished);
  END LOOP;
  RETURN NULL;
END
$$;
CREATE TRIGGER jobs_batch_delete AFTER DELETE ON spawnq.jobs
  REFERENCING OLD TABLE AS deleted_jobs
  FOR EACH STATEMENT EXECUTE FUNCTION spawnq_internal.count_deleted_members();

CREATE FUNCTION spawnq.batch_open(
  on_complete text  DEFAULT NULL,
  on_success  text  DEFAULT NULL,
  queue       text  DEFAULT NULL,
  payload     jsonb DEFAULT '{}',
  description text  DEFAULT NULL
) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  opened bigint;
BEGIN
  IF on_complete = '' OR on_success = '' THEN
    RAISE EXCEPTION 'spawnq.batch_open: % must be a job type or NULL, got ''''',
                    CASE WHEN on_complete = '' THEN 'on_complete' ELSE 'on_success' END
      USING ERRCODE = 'invalid_parameter_value', HINT = 'It names the handler of the callback job.';
  END IF;
  PERFORM spawnq.check_enqueue_arguments('spawnq.batch_open', COALESCE(on_complete, on_success, 'callback'),
                                         payload, queue, NULL, NULL, NULL, NULL);
  INSERT INTO spawnq.batches (on_complete, on_success, queue, payload, description)
  VALUES (batch_open.on_complete, batch_open.on_success, COALESCE(batch_open.queue, 'default'),
          COALESCE(batch_open.payload, '{}'), batch_open.description)
  RETURNING id INTO opened;
  RETURN opened;
END
$$;
REVOKE ALL ON FUNCTION spawnq.batch_open(text, text, text, jsonb, text) FROM PUBLIC;

-- Closing waits for every transaction still adding members (each holds the
-- batch row from its insert to its commit), so a batch cannot complete while
-- members are on their way. True when this call closed it; closing a closed
-- batch changes nothing and answers false.
CREATE FUNCTION spawnq.batch_close(batch bigint) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  b spawnq.batches%ROWTYPE;
BEGIN
  SELECT * INTO b FROM spawnq.batches WHERE id = batch FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'spawnq.batch_close: batch % does not exist', COALESCE(batch::text, 'NULL')
      USING ERRCODE = 'invalid_parameter_value', HINT = 'spawnq batches lists the open ones.';
  END IF;
  IF b.closed_at IS NOT NULL THEN
    RETURN false;
  END IF;
  UPDATE spawnq.batches SET closed_at = now() WHERE id = batch RETURNING * INTO b;
  IF spawnq_internal.batch_is_finished(b) THEN
    PERFORM spawnq_internal.complete_batch(b.id);
  END IF;
  RETURN true;
END
$$;
REVOKE ALL ON FUNCTION spawnq.batch_close(bigint) FROM PUBLIC;

-- Which job, if any, answers an enqueue with `unique_for`: the newest of the
-- queue and reference created within the window. Callers with the same key
-- queue up on an advisory lock until the one before has committed, and each
-- statement of a READ COMMITTED transaction sees what committed before it,
-- so the second sees the first's job. A REPEATABLE READ transaction keeps
-- its first snapshot and would not, so it is refused (SERIALIZABLE is safe:
-- the two reads of one key conflict and one transaction is rolled back).
CREATE FUNCTION spawnq_internal.job_within_window(caller text, queue text, reference text, unique_for interval)
RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  held bigint;
BEGIN
  IF reference IS NULL THEN
    RAISE EXCEPTION '%: unique_for needs a reference, got none', caller
      USING ERRCODE = 'invalid_parameter_value', HINT = 'The window holds jobs of the same queue and reference.';
  END IF;
  IF unique_for <= interval '0' THEN
    RAISE EXCEPTION '%: unique_for must be a positive interval, got %', caller, unique_for
      USING ERRCODE = 'invalid_parameter_value', HINT = 'For example interval ''1 hour''.';
  END IF;
  IF current_setting('transaction_isolation') = 'repeatable read' THEN
    RAISE EXCEPTION '%: unique_for needs a READ COMMITTED or SERIALIZABLE transaction, this one is REPEATABLE READ',
                    caller
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Its snapshot would not show a job another session added a moment ago.';
  END IF;
  PERFORM pg_advisory_xact_lock(hashtextextended('spawnq.unique:' || queue || E'\n' || reference, 0));
  SELECT j.id INTO held FROM spawnq.jobs j
   WHERE j.queue = job_within_window.queue AND j.reference = job_within_window.reference
     AND j.created_at > now() - unique_for
   ORDER BY j.created_at DESC, j.id DESC LIMIT 1;
  RETURN held;
END
$$;
REVOKE ALL ON FUNCTION spawnq_internal.job_within_window(text, text, text, interval) FROM PUBLIC;

-- Checks a batch that jobs are about to join, in a caller's words.
CREATE FUNCTION spawnq_internal.check_batch_open(caller text, batch bigint) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  closed timestamptz;
BEGIN
  SELECT closed_at INTO closed FROM spawnq.batches WHERE id = batch;
  IF NOT FOUND THEN
    RAISE EXCEPTION '%: batch % does not exist', caller, batch
      USING ERRCODE = 'invalid_parameter_value', HINT = 'Open one with spawnq.batch_open() first.';
  END IF;
  IF closed IS NOT NULL THEN
    RAISE EXCEPTION '%: batch % is closed (since %): no more jobs may join it', caller, batch, closed
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'A batch is closed once all its jobs are in; open another batch for more.';
  END IF;
END
$$;
REVOKE ALL ON FUNCTION spawnq_internal.check_batch_open(text, bigint) FROM PUBLIC;

-- enqueue() with unique_for and batch. Another overload beside 008's would
-- make every call ambiguous (both have defaults), so 008's wrapper is
-- replaced; the insert is still 005's, in spawnq_internal.
DROP FUNCTION spawnq.enqueue(text, jsonb, text, integer, timestamptz, integer, text, text, bigint[]);
CREATE FUNCTION spawnq.enqueue(
  job_type     text,
  payload      jsonb       DEFAULT '{}',
  queue        text        DEFAULT 'default',
  priority     integer     DEFAULT NULL,
  run_at       timestamptz DEFAULT now(),
  max_attempts integer     DEFAULT NULL,
  reference    text        DEFAULT NULL,
  job_group    text        DEFAULT NULL,
  after        bigint[]    DEFAULT NULL,
  unique_for   interval    DEFAULT NULL,
  batch        bigint      DEFAULT NULL
) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  held  bigint;
  added bigint;
BEGIN
  PERFORM spawnq.check_enqueue_arguments('spawnq.enqueue', job_type, payload, queue, priority, run_at,
                                         max_attempts, after);
  IF unique_for IS NOT NULL THEN
    held := spawnq_internal.job_within_window('spawnq.enqueue', COALESCE(queue, 'default'), reference, unique_for);
    IF held IS NOT NULL THEN
      RETURN held;
    END IF;
  END IF;
  IF batch IS NULL THEN
    RETURN spawnq_internal.enqueue(job_type, payload, queue, priority, run_at, max_attempts, reference, job_group,
                                   after);
  END IF;
  PERFORM spawnq_internal.check_batch_open('spawnq.enqueue', batch);
  PERFORM set_config('spawnq.enqueue_batch', batch::text, true);
  added := spawnq_internal.enqueue(job_type, payload, queue, priority, run_at, max_attempts, reference, job_group,
                                   after);
  PERFORM set_config('spawnq.enqueue_batch', '', true);
  RETURN added;
END
$$;
REVOKE ALL ON FUNCTION
  spawnq.enqueue(text, jsonb, text, integer, timestamptz, integer, text, text, bigint[], interval, bigint)
  FROM PUBLIC;

-- enqueue_many() with batch: the whole call joins one batch.
ALTER FUNCTION spawnq.enqueue_many(jsonb) SET SCHEMA spawnq_internal;
CREATE FUNCTION spawnq.enqueue_many(jobs jsonb, batch bigint DEFAULT NULL) RETURNS bigint[]
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  ids bigint[];
BEGIN
  IF batch IS NULL THEN
    RETURN spawnq_internal.enqueue_many(jobs);
  END IF;
  PERFORM spawnq_internal.check_batch_open('spawnq.enqueue_many', batch);
  PERFORM set_config('spawnq.enqueue_batch', batch::text, true);
  ids := spawnq_internal.enqueue_many(jobs);
  PERFORM set_config('spawnq.enqueue_batch', '', true);
  RETURN ids;
END
$$;
REVOKE ALL ON FUNCTION spawnq.enqueue_many(jsonb, bigint) FROM PUBLIC;

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'spawnq_producer')
     AND EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'spawnq_daemon') THEN
    GRANT EXECUTE ON FUNCTION
      spawnq.enqueue(text, jsonb, text, integer, timestamptz, integer, text, text, bigint[], interval, bigint),
      spawnq.enqueue_many(jsonb, bigint),
      spawnq.batch_open(text, text, text, jsonb, text),
      spawnq.batch_close(bigint)
      TO spawnq_producer, spawnq_daemon;
    REVOKE EXECUTE ON FUNCTION spawnq_internal.enqueue_many(jsonb) FROM spawnq_producer, spawnq_daemon;
    -- Counting and callbacks run as the owner (the triggers are SECURITY
    -- DEFINER); the daemon reads batches, locks them before recording
    -- outcomes (job_queue_sql.cpp), and cleanup deletes old ones.
    GRANT SELECT, UPDATE, DELETE ON spawnq.batches TO spawnq_daemon;
  END IF;
END
$$;
