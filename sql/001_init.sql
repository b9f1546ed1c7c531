-- 001_init: jobs, their attempts, the daemons that run them, and the
-- enqueue function producers call. Applied once by `spawnq migrate`, inside a
-- transaction; never edit it after release — add 002_….sql instead.

CREATE TABLE spawnq.jobs (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- Queue names become NOTIFY channels ('spawnq:' || queue), which PostgreSQL
  -- caps at 63 bytes; the same rule is checked in the config.
  queue         text NOT NULL DEFAULT 'default'
                CHECK (queue ~ '^[A-Za-z0-9_.-]{1,56}$'),
  job_type      text NOT NULL CHECK (job_type <> ''),
  payload       jsonb NOT NULL DEFAULT '{}',
  status        text NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'processing', 'retry_wait',
                                  'done', 'failed', 'dead', 'cancelled')),
  priority      smallint NOT NULL DEFAULT 5 CHECK (priority BETWEEN 1 AND 10),
  attempts      integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  -- NULL means the queue's default; a claim fills it in, so a running job
  -- always carries the limit it is judged by.
  max_attempts  integer CHECK (max_attempts >= 1),
  available_at  timestamptz NOT NULL DEFAULT now(),
  reference     text,
  job_group     text,
  progress      real CHECK (progress BETWEEN 0 AND 1),
  last_error    text,
  -- The daemon holding the job while it is processing (spawnq.workers.id);
  -- kept afterwards as a record of who ran it last.
  worker_id     bigint,
  created_at    timestamptz NOT NULL DEFAULT now(),
  started_at    timestamptz,
  finished_at   timestamptz
);

-- Serves the claim: eligible rows of one queue in claim order.
CREATE INDEX jobs_claim_idx ON spawnq.jobs (queue, priority DESC, available_at, id)
  WHERE status IN ('pending', 'retry_wait');

-- A reference names one live job per queue; finished jobs free it again.
CREATE UNIQUE INDEX jobs_live_reference_idx ON spawnq.jobs (queue, reference)
  WHERE reference IS NOT NULL AND status IN ('pending', 'processing', 'retry_wait');

-- Serves stuck-job rescue and `requeue-stuck`: running jobs by owner.
CREATE INDEX jobs_processing_idx ON spawnq.jobs (worker_id)
  WHERE status = 'processing';

-- Serves `cleanup` and retention: terminal jobs by age.
CREATE INDEX jobs_finished_idx ON spawnq.jobs (status, finished_at)
  WHERE status IN ('done', 'failed', 'dead', 'cancelled');

-- One row per attempt, opened by the claim and closed by the outcome. Attempt
-- numbers restart when a person re-queues a job (retry-failed), so the history
-- is ordered by id, not by attempt.
CREATE TABLE spawnq.job_attempts (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  job_id       bigint NOT NULL REFERENCES spawnq.jobs (id) ON DELETE CASCADE,
  attempt      integer NOT NULL CHECK (attempt >= 1),
  worker_id    bigint,
  pid          integer,
  started_at   timestamptz NOT NULL DEFAULT now(),
  finished_at  timestamptz,
  exit_code    integer,
  signal       integer,
  -- NULL while the attempt runs.
  outcome      text CHECK (outcome IN ('success', 'retry', 'fail', 'timeout',
                                       'lost', 'cancelled')),
  error        text,
  output_tail  text
);

CREATE INDEX job_attempts_job_idx ON spawnq.job_attempts (job_id, attempt);

CREATE TABLE spawnq.workers (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  host          text NOT NULL,
  pid           integer NOT NULL,
  queues        text[] NOT NULL,
  version       text NOT NULL,
  started_at    timestamptz NOT NULL DEFAULT now(),
  heartbeat_at  timestamptz NOT NULL DEFAULT now()
);

-- Wakes idle daemons of the job's queue as soon as the insert (or a requeue)
-- commits. PostgreSQL folds identical notifications of one transaction into
-- one, so a bulk insert sends one per queue.
CREATE FUNCTION spawnq.notify_job() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('spawnq:' || NEW.queue, '');
  RETURN NULL;
END
$$;

CREATE TRIGGER jobs_notify_insert AFTER INSERT ON spawnq.jobs
  FOR EACH ROW WHEN (NEW.status IN ('pending', 'retry_wait'))
  EXECUTE FUNCTION spawnq.notify_job();

CREATE TRIGGER jobs_notify_requeue AFTER UPDATE OF status ON spawnq.jobs
  FOR EACH ROW WHEN (NEW.status IN ('pending', 'retry_wait')
                     AND OLD.status IS DISTINCT FROM NEW.status)
  EXECUTE FUNCTION spawnq.notify_job();

-- The producers' entry point. On a live duplicate reference it returns the
-- existing job's id instead of failing, so "enqueue once" is one call.
CREATE FUNCTION spawnq.enqueue(
  job_type     text,
  payload      jsonb       DEFAULT '{}',
  queue        text        DEFAULT 'default',
  priority     integer     DEFAULT 5,
  run_at       timestamptz DEFAULT now(),
  max_attempts integer     DEFAULT NULL,
  reference    text        DEFAULT NULL,
  job_group    text        DEFAULT NULL
) RETURNS bigint
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
  new_id bigint;
BEGIN
  LOOP
    INSERT INTO spawnq.jobs (job_type, payload, queue, priority, available_at,
                             max_attempts, reference, job_group)
    VALUES (enqueue.job_type, COALESCE(enqueue.payload, '{}'),
            COALESCE(enqueue.queue, 'default'), COALESCE(enqueue.priority, 5),
            COALESCE(enqueue.run_at, now()), enqueue.max_attempts,
            enqueue.reference, enqueue.job_group)
    ON CONFLICT (queue, reference)
      WHERE reference IS NOT NULL AND status IN ('pending', 'processing', 'retry_wait')
      DO NOTHING
    RETURNING id INTO new_id;
    IF new_id IS NOT NULL THEN
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
