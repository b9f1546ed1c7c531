-- 005_dependencies: jobs that wait for others (`spawnq enqueue --after=ID,…`,
-- `spawnq.enqueue(…, after => ARRAY[…])`). A waiting job is `pending` with
-- blocked_by > 0, the number of its dependencies not yet done, and the claim
-- index leaves it out. A trigger settles a job's dependents when it reaches a
-- final status: `done` counts them down (at zero they become claimable and
-- their queue is notified); `failed`, `dead` or `cancelled` cancels them, and
-- so on down the chain. Dependencies must exist when a job is enqueued, so a
-- cycle cannot be made.

ALTER TABLE spawnq.jobs
  ADD COLUMN depends_on     bigint[],
  ADD COLUMN blocked_by     integer NOT NULL DEFAULT 0 CHECK (blocked_by >= 0),
  -- Set on a job once another depends on it, so the trigger below runs only
  -- for such jobs and costs the others nothing.
  ADD COLUMN has_dependents boolean NOT NULL DEFAULT false;

-- One row per dependency still to be settled.
CREATE TABLE spawnq.job_dependencies (
  depends_on  bigint NOT NULL REFERENCES spawnq.jobs (id) ON DELETE CASCADE,
  job_id      bigint NOT NULL REFERENCES spawnq.jobs (id) ON DELETE CASCADE,
  PRIMARY KEY (depends_on, job_id)
);
CREATE INDEX job_dependencies_job_idx ON spawnq.job_dependencies (job_id);

DROP INDEX spawnq.jobs_claim_idx;
CREATE INDEX jobs_claim_idx ON spawnq.jobs (queue, priority DESC, available_at, id)
  WHERE status IN ('pending', 'retry_wait') AND blocked_by = 0;

-- Runs when a job reaches a final status and takes part in a dependency.
CREATE FUNCTION spawnq.settle_dependencies() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  ready record;
BEGIN
  -- Finished without waiting out its own dependencies (cancelled by hand,
  -- say): they have nothing left to settle for it.
  IF NEW.blocked_by > 0 THEN
    DELETE FROM spawnq.job_dependencies WHERE job_id = NEW.id;
  END IF;
  IF NOT NEW.has_dependents THEN
    RETURN NULL;
  END IF;
  IF NEW.status = 'done' THEN
    FOR ready IN
      WITH released AS (
        DELETE FROM spawnq.job_dependencies WHERE depends_on = NEW.id RETURNING job_id),
      counted AS (
        UPDATE spawnq.jobs j SET blocked_by = j.blocked_by - 1
          FROM released r
         WHERE j.id = r.job_id AND j.blocked_by > 0
        RETURNING j.queue, j.blocked_by, j.status)
      SELECT DISTINCT queue FROM counted WHERE blocked_by = 0 AND status = 'pending'
    LOOP
      PERFORM pg_notify('spawnq:' || ready.queue, '');
    END LOOP;
  ELSE
    -- This update fires the trigger again for each dependent cancelled here.
    WITH released AS (
      DELETE FROM spawnq.job_dependencies WHERE depends_on = NEW.id RETURNING job_id)
    UPDATE spawnq.jobs j
       SET status = 'cancelled', finished_at = now(),
           last_error = 'dependency ' || NEW.id || ' ended ' || NEW.status
      FROM released r
     WHERE j.id = r.job_id AND j.status = 'pending';
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER jobs_settle_dependencies AFTER UPDATE OF status ON spawnq.jobs
  FOR EACH ROW WHEN (NEW.status IN ('done', 'failed', 'dead', 'cancelled')
                     AND OLD.status IS DISTINCT FROM NEW.status
                     AND (NEW.has_dependents OR NEW.blocked_by > 0))
  EXECUTE FUNCTION spawnq.settle_dependencies();

-- enqueue() gains `after`: the ids this job waits for. Its body is 001's
-- plus the dependencies (a released migration is never edited).
DROP FUNCTION spawnq.enqueue(text, jsonb, text, integer, timestamptz, integer, text, text);

CREATE FUNCTION spawnq.enqueue(
  job_type     text,
  payload      jsonb       DEFAULT '{}',
  queue        text        DEFAULT 'default',
  priority     integer     DEFAULT 5,
  run_at       timestamptz DEFAULT now(),
  max_attempts integer     DEFAULT NULL,
  reference    text        DEFAULT NULL,
  job_group    text        DEFAULT NULL,
  after        bigint[]    DEFAULT NULL
) RETURNS bigint
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
  new_id         bigint;
  deps           bigint[];
  found          bigint[];
  waiting        bigint[] := '{}';
  missing        bigint;
  ended_id       bigint;
  ended_status   text;
  initial_status text := 'pending';
  initial_error  text;
BEGIN
  IF enqueue.after IS NOT NULL AND cardinality(enqueue.after) > 0 THEN
    deps := ARRAY(SELECT DISTINCT d FROM unnest(enqueue.after) AS d ORDER BY d);
    -- Lock the dependencies, in id order, before reading them: a dependency
    -- finishing meanwhile either committed first (we see it finished) or
    -- waits for us (its trigger then sees our edges).
    PERFORM 1 FROM spawnq.jobs j WHERE j.id = ANY(deps) ORDER BY j.id FOR NO KEY UPDATE;
    UPDATE spawnq.jobs j SET has_dependents = true WHERE j.id = ANY(deps) AND NOT j.has_dependents;
    SELECT COALESCE(array_agg(j.id), '{}'),
           COALESCE(array_agg(j.id) FILTER (WHERE j.status NOT IN ('done', 'failed', 'dead', 'cancelled')), '{}')
      INTO found, waiting
      FROM spawnq.jobs j WHERE j.id = ANY(deps);
    SELECT d INTO missing FROM unnest(deps) AS d WHERE NOT (d = ANY(found)) ORDER BY d LIMIT 1;
    IF missing IS NOT NULL THEN
      RAISE EXCEPTION 'dependency % does not exist', missing USING ERRCODE = 'foreign_key_violation';
    END IF;
    SELECT j.id, j.status INTO ended_id, ended_status
      FROM spawnq.jobs j
     WHERE j.id = ANY(deps) AND j.status IN ('failed', 'dead', 'cancelled')
     ORDER BY j.id LIMIT 1;
    IF ended_id IS NOT NULL THEN
      initial_status := 'cancelled';
      initial_error := 'dependency ' || ended_id || ' ended ' || ended_status;
      waiting := '{}';
    END IF;
  END IF;

  LOOP
    INSERT INTO spawnq.jobs (job_type, payload, queue, priority, available_at, max_attempts,
                             reference, job_group, depends_on, blocked_by, status, last_error,
                             finished_at)
    VALUES (enqueue.job_type, COALESCE(enqueue.payload, '{}'),
            COALESCE(enqueue.queue, 'default'), COALESCE(enqueue.priority, 5),
            COALESCE(enqueue.run_at, now()), enqueue.max_attempts,
            enqueue.reference, enqueue.job_group, deps, cardinality(waiting), initial_status,
            initial_error, CASE WHEN initial_status = 'cancelled' THEN now() END)
    ON CONFLICT (queue, reference)
      WHERE reference IS NOT NULL AND status IN ('pending', 'processing', 'retry_wait')
      DO NOTHING
    RETURNING id INTO new_id;
    IF new_id IS NOT NULL THEN
      INSERT INTO spawnq.job_dependencies (depends_on, job_id)
      SELECT w, new_id FROM unnest(waiting) AS w;
      RETURN new_id;
    END IF;

    SELECT id INTO new_id FROM spawnq.jobs
     WHERE queue = COALESCE(enqueue.queue, 'default')
       AND reference = enqueue.reference
       AND status IN ('pending', 'processing', 'retry_wait');
    IF new_id IS NOT NULL THEN
      RETURN new_id;
    END IF;
    -- The holder finished between our insert and our look-up: try again.
  END LOOP;
END
$$;
