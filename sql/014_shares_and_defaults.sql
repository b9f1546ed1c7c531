-- 014_shares_and_defaults: fair shares between job groups, and the
-- defaults of job types that daemons publish for producers.
--
-- Fair shares. A queue with `fair_by: group` claims in the order of
-- `fair_rank` rather than of `available_at`: each job gets, at insert, the
-- rank after the last pending one of its group (its queue, job_group and
-- priority; no group is the group ''), but never below the rank the queue is
-- claiming now (the lowest runnable one of that priority). So a group that
-- enqueues 5,000 jobs takes ranks n..n+4,999, a group that comes after it
-- starts at the rank being claimed, and the claim alternates between them:
-- round-robin, on an index, with no window over the backlog. Priorities
-- still come first (the claim orders by priority, then rank). Every insert
-- gets a rank, so a queue may be made fair at any time; two sessions adding
-- to one group at once may draw the same rank, which only ties them.
--
-- Type defaults. Each daemon writes its handlers' priority, max_attempts,
-- backoff and timeout here when it starts. enqueue() and enqueue_many() give
-- a job without a priority the newest published one of its type, and every
-- job says in `priority_from` which level set it: 'job' (the caller, or a
-- plain INSERT's own column), 'handler' (published) or 'default' (5). Rows
-- outlive their daemon until the next daemon starts, so that producers keep
-- the defaults through a deploy; a starting daemon forgets those of daemons
-- that are gone.

ALTER TABLE spawnq.jobs
  ADD COLUMN fair_rank bigint NOT NULL DEFAULT 0,
  ADD COLUMN priority_from text NOT NULL DEFAULT 'job' CHECK (priority_from IN ('job', 'handler', 'default'));

-- What each daemon's queues share, for the console: {"QUEUE": {"fair_by":
-- "group", "group_max_workers": N}} for the queues that set either.
ALTER TABLE spawnq.workers ADD COLUMN queue_shares jsonb;

-- Serves the fair claim and the rank a new job starts from.
CREATE INDEX jobs_fair_claim_idx ON spawnq.jobs (queue, priority DESC, fair_rank, id)
  WHERE status IN ('pending', 'retry_wait') AND blocked_by = 0;
-- Serves the last rank of a group.
CREATE INDEX jobs_fair_group_idx ON spawnq.jobs (queue, (COALESCE(job_group, '')), priority, fair_rank)
  WHERE status IN ('pending', 'retry_wait');
-- Serves group_max_workers: the running jobs of a queue, by group.
CREATE INDEX jobs_running_group_idx ON spawnq.jobs (queue, (COALESCE(job_group, '')))
  WHERE status = 'processing';

-- `spawnq.enqueue_priority_levels`, set by the wrappers for one call, maps
-- "TYPE|PRIORITY" to the level that chose that priority for jobs of the type
-- in the call; a caller's own value wins when one call has both.
CREATE FUNCTION spawnq_internal.stamp_inserted_job() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  frontier bigint;
  tail     bigint;
  levels   text := current_setting('spawnq.enqueue_priority_levels', true);
BEGIN
  SELECT j.fair_rank INTO frontier FROM spawnq.jobs j
   WHERE j.queue = NEW.queue AND j.priority = NEW.priority
     AND j.status IN ('pending', 'retry_wait') AND j.blocked_by = 0 AND j.available_at <= now()
   ORDER BY j.fair_rank LIMIT 1;
  SELECT j.fair_rank INTO tail FROM spawnq.jobs j
   WHERE j.queue = NEW.queue AND COALESCE(j.job_group, '') = COALESCE(NEW.job_group, '')
     AND j.priority = NEW.priority AND j.status IN ('pending', 'retry_wait')
   ORDER BY j.fair_rank DESC LIMIT 1;
  NEW.fair_rank := GREATEST(COALESCE(tail + 1, 0), COALESCE(frontier, 0));
  IF levels <> '' THEN
    NEW.priority_from := COALESCE(levels::jsonb->>(NEW.job_type || '|' || NEW.priority), 'job');
  END IF;
  RETURN NEW;
END
$$;
REVOKE ALL ON FUNCTION spawnq_internal.stamp_inserted_job() FROM PUBLIC;
CREATE TRIGGER jobs_stamp BEFORE INSERT ON spawnq.jobs
  FOR EACH ROW EXECUTE FUNCTION spawnq_internal.stamp_inserted_job();

CREATE TABLE spawnq.type_defaults (
  worker_id    bigint NOT NULL,   -- spawnq.workers.id of the publisher; no key: rows outlive it
  host         text NOT NULL,
  job_type     text NOT NULL,
  priority     smallint CHECK (priority BETWEEN 1 AND 10),
  max_attempts integer,
  backoff_s    float8[],
  timeout_s    float8,
  published_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (worker_id, job_type)
);
CREATE INDEX type_defaults_newest_idx ON spawnq.type_defaults (job_type, published_at DESC);

-- The priority the newest publisher gives jobs of the type; NULL: none.
CREATE FUNCTION spawnq_internal.type_priority(job_type text) RETURNS integer
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
  SELECT d.priority FROM spawnq.type_defaults d WHERE d.job_type = type_priority.job_type
   ORDER BY d.published_at DESC, d.worker_id DESC LIMIT 1
$$;
REVOKE ALL ON FUNCTION spawnq_internal.type_priority(text) FROM PUBLIC;

-- enqueue() as 012's, with the published priority and its level.
CREATE OR REPLACE FUNCTION spawnq.enqueue(
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
  held      bigint;
  added     bigint;
  published integer;
  chosen    integer := priority;
  level     text := 'job';
BEGIN
  PERFORM spawnq.check_enqueue_arguments('spawnq.enqueue', job_type, payload, queue, priority, run_at,
                                         max_attempts, after);
  IF unique_for IS NOT NULL THEN
    held := spawnq_internal.job_within_window('spawnq.enqueue', COALESCE(queue, 'default'), reference, unique_for);
    IF held IS NOT NULL THEN
      RETURN held;
    END IF;
  END IF;
  IF batch IS NOT NULL THEN
    PERFORM spawnq_internal.check_batch_open('spawnq.enqueue', batch);
  END IF;
  IF chosen IS NULL THEN
    published := spawnq_internal.type_priority(job_type);
    chosen := COALESCE(published, 5);
    level := CASE WHEN published IS NULL THEN 'default' ELSE 'handler' END;
  END IF;
  PERFORM set_config('spawnq.enqueue_batch', COALESCE(batch::text, ''), true);
  PERFORM set_config('spawnq.enqueue_priority_levels', jsonb_build_object(job_type || '|' || chosen, level)::text,
                     true);
  added := spawnq_internal.enqueue(job_type, payload, queue, chosen, run_at, max_attempts, reference, job_group,
                                   after);
  PERFORM set_config('spawnq.enqueue_batch', '', true);
  PERFORM set_config('spawnq.enqueue_priority_levels', '', true);
  RETURN added;
END
$$;

-- enqueue_many() as 012's: elements without a priority get the published
-- one of their type. Elements that are not objects, or whose priority is
-- not a number, go on as they came, for 009's checks to name.
CREATE OR REPLACE FUNCTION spawnq.enqueue_many(jobs jsonb, batch bigint DEFAULT NULL) RETURNS bigint[]
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  ids    bigint[];
  filled jsonb := jobs;
  levels jsonb := '{}';
BEGIN
  IF batch IS NOT NULL THEN
    PERFORM spawnq_internal.check_batch_open('spawnq.enqueue_many', batch);
  END IF;
  IF jsonb_typeof(jobs) = 'array' AND jsonb_array_length(jobs) > 0 THEN
    WITH element AS (
      SELECT e, n, jsonb_typeof(e) = 'object' AND jsonb_typeof(e->'job_type') = 'string' AS typed,
             jsonb_typeof(e->'priority') IS NULL OR jsonb_typeof(e->'priority') = 'null' AS unset
        FROM jsonb_array_elements(jobs) WITH ORDINALITY AS x(e, n)),
    chosen AS (
      SELECT e, n, typed, unset, CASE WHEN typed AND unset THEN spawnq_internal.type_priority(e->>'job_type') END AS p
        FROM element),
    level AS (
      SELECT e->>'job_type' || '|' || COALESCE(e->>'priority', p::text, '5') AS k,
             max(CASE WHEN NOT unset THEN 3 WHEN p IS NOT NULL THEN 2 ELSE 1 END) AS rank
        FROM chosen WHERE typed GROUP BY 1)
    SELECT (SELECT jsonb_agg(CASE WHEN p IS NULL THEN e ELSE e || jsonb_build_object('priority', p) END ORDER BY n)
              FROM chosen),
           (SELECT COALESCE(jsonb_object_agg(k, (ARRAY['default', 'handler', 'job'])[rank]), '{}') FROM level)
      INTO filled, levels;
  END IF;
  PERFORM set_config('spawnq.enqueue_batch', COALESCE(batch::text, ''), true);
  PERFORM set_config('spawnq.enqueue_priority_levels', levels::text, true);
  ids := spawnq_internal.enqueue_many(filled);
  PERFORM set_config('spawnq.enqueue_batch', '', true);
  PERFORM set_config('spawnq.enqueue_priority_levels', '', true);
  RETURN ids;
END
$$;

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'spawnq_daemon') THEN
    GRANT SELECT, INSERT, DELETE ON spawnq.type_defaults TO spawnq_daemon;
  END IF;
END
$$;
