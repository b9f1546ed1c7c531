-- 008_door: spawnq.enqueue() checks every argument at the door, and the table
-- itself refuses a payload that is not a JSON object. A bad call fails with
-- SQLSTATE 22023 (invalid_parameter_value), a one-line message that names the
-- function, the argument and the value, and a HINT, instead of a check
-- constraint violated somewhere inside PL/pgSQL. The new spawnq.enqueue()
-- checks, then calls 005's, moved to schema spawnq_internal under its own
-- name (a released migration is never edited, and its body names its
-- parameters as enqueue.…, so the name must stay). No role but the owner
-- may use spawnq_internal.

CREATE FUNCTION spawnq.check_enqueue_arguments(
  caller text, job_type text, payload jsonb, queue text, priority integer, run_at timestamptz,
  max_attempts integer, after bigint[]
) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  missing bigint;
BEGIN
  IF job_type IS NULL OR job_type = '' THEN
    RAISE EXCEPTION '%: job_type must be a non-empty name, got %', caller, COALESCE(quote_literal(job_type), 'NULL')
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'job_type names the handler that runs the job, for example ''send_email''.';
  END IF;
  IF payload IS NOT NULL AND jsonb_typeof(payload) <> 'object' THEN
    RAISE EXCEPTION '%: payload must be a JSON object, got a JSON %', caller, jsonb_typeof(payload)
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Wrap the value in an object, for example jsonb_build_object(''items'', …).';
  END IF;
  IF queue IS NOT NULL AND queue !~ '^[A-Za-z0-9_.-]{1,56}$' THEN
    RAISE EXCEPTION '%: queue must be 1-56 characters of A-Z a-z 0-9 _ . -, got %', caller, quote_literal(queue)
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Queue names become NOTIFY channel names, which PostgreSQL keeps short.';
  END IF;
  IF priority IS NOT NULL AND priority NOT BETWEEN 1 AND 10 THEN
    RAISE EXCEPTION '%: priority must be between 1 and 10, got %', caller, priority
      USING ERRCODE = 'invalid_parameter_value', HINT = 'Higher runs first; the default is 5.';
  END IF;
  IF run_at IS NOT NULL AND NOT isfinite(run_at) THEN
    RAISE EXCEPTION '%: run_at must be a finite time, got %', caller, run_at
      USING ERRCODE = 'invalid_parameter_value', HINT = 'Leave it out (or pass now()) to run as soon as possible.';
  END IF;
  IF max_attempts IS NOT NULL AND max_attempts < 1 THEN
    RAISE EXCEPTION '%: max_attempts must be ≥ 1, got %', caller, max_attempts
      USING ERRCODE = 'invalid_parameter_value', HINT = 'Leave it NULL for the queue''s own max_attempts.';
  END IF;
  IF after IS NOT NULL THEN
    SELECT d INTO missing FROM unnest(after) AS d
     WHERE d IS NULL OR NOT EXISTS (SELECT 1 FROM spawnq.jobs j WHERE j.id = d)
     ORDER BY d NULLS FIRST LIMIT 1;
    IF FOUND THEN
      RAISE EXCEPTION '%: after names job %, which does not exist', caller, COALESCE(missing::text, 'NULL')
        USING ERRCODE = 'invalid_parameter_value',
              HINT = 'A job can wait only for jobs that exist; finished jobs count until they are cleaned up.';
    END IF;
  END IF;
END
$$;

REVOKE ALL ON FUNCTION spawnq.check_enqueue_arguments(text, text, jsonb, text, integer, timestamptz, integer, bigint[])
  FROM PUBLIC;

CREATE SCHEMA spawnq_internal;
REVOKE ALL ON SCHEMA spawnq_internal FROM PUBLIC;
ALTER FUNCTION spawnq.enqueue(text, jsonb, text, integer, timestamptz, integer, text, text, bigint[])
  SET SCHEMA spawnq_internal;

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
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  PERFORM spawnq.check_enqueue_arguments('spawnq.enqueue', job_type, payload, queue, priority, run_at,
                                         max_attempts, after);
  RETURN spawnq_internal.enqueue(job_type, payload, queue, priority, run_at, max_attempts, reference, job_group,
                                 after);
END
$$;
REVOKE ALL ON FUNCTION spawnq.enqueue(text, jsonb, text, integer, timestamptz, integer, text, text, bigint[])
  FROM PUBLIC;

-- A plain INSERT is held to the same rule. Rows from before this migration
-- with another payload are made objects first ({"value": …}), so that the
-- constraint can hold for every row.
UPDATE spawnq.jobs SET payload = jsonb_build_object('value', payload) WHERE jsonb_typeof(payload) <> 'object';
ALTER TABLE spawnq.jobs ADD CONSTRAINT jobs_payload_is_object CHECK (jsonb_typeof(payload) = 'object');

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'spawnq_producer')
     AND EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'spawnq_daemon') THEN
    GRANT EXECUTE ON FUNCTION
      spawnq.enqueue(text, jsonb, text, integer, timestamptz, integer, text, text, bigint[])
      TO spawnq_producer, spawnq_daemon;
    REVOKE EXECUTE ON FUNCTION
      spawnq_internal.enqueue(text, jsonb, text, integer, timestamptz, integer, text, text, bigint[])
      FROM spawnq_producer, spawnq_daemon;
  END IF;
END
$$;
