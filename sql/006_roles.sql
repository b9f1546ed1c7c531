-- 006_roles: least privilege for the two kinds of client.
--   spawnq_producer  may only call spawnq.enqueue() (SECURITY DEFINER, with a
--                    pinned search_path), whose payload is capped by the
--                    max_payload_bytes setting below;
--   spawnq_daemon    reads and writes the spawnq tables the daemon and the
--                    admin commands use, and owns nothing: no DDL.
-- Grant them to login roles: GRANT spawnq_producer TO app; GRANT spawnq_daemon
-- TO worker. Roles belong to the cluster, so a second database reuses them;
-- a migrating user without CREATEROLE gets a notice and no roles.

CREATE TABLE spawnq.settings (
  name   text PRIMARY KEY,
  value  text NOT NULL
);
INSERT INTO spawnq.settings (name, value) VALUES ('max_payload_bytes', '1048576');

CREATE FUNCTION spawnq.check_payload_size() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  cap  bigint := (SELECT value::bigint FROM spawnq.settings WHERE name = 'max_payload_bytes');
  size bigint := octet_length(NEW.payload::text);
BEGIN
  IF cap IS NOT NULL AND size > cap THEN
    RAISE EXCEPTION 'payload is % bytes, more than max_payload_bytes (%)', size, cap
      USING ERRCODE = 'program_limit_exceeded';
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER jobs_payload_size BEFORE INSERT OR UPDATE OF payload ON spawnq.jobs
  FOR EACH ROW EXECUTE FUNCTION spawnq.check_payload_size();

-- Producers run enqueue() with its owner's rights, and nothing else.
ALTER FUNCTION spawnq.enqueue(text, jsonb, text, integer, timestamptz, integer, text, text, bigint[])
  SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
REVOKE ALL ON FUNCTION spawnq.enqueue(text, jsonb, text, integer, timestamptz, integer, text, text, bigint[])
  FROM PUBLIC;

DO $$
BEGIN
  BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'spawnq_producer') THEN
      CREATE ROLE spawnq_producer NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'spawnq_daemon') THEN
      CREATE ROLE spawnq_daemon NOLOGIN;
    END IF;
  EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'spawnq: roles spawnq_producer and spawnq_daemon not created (needs CREATEROLE)';
    RETURN;
  END;
  GRANT USAGE ON SCHEMA spawnq TO spawnq_producer, spawnq_daemon;
  GRANT EXECUTE ON FUNCTION
    spawnq.enqueue(text, jsonb, text, integer, timestamptz, integer, text, text, bigint[])
    TO spawnq_producer, spawnq_daemon;
  GRANT SELECT, INSERT, UPDATE, DELETE ON
    spawnq.jobs, spawnq.job_attempts, spawnq.workers, spawnq.schedules, spawnq.paused_queues,
    spawnq.job_dependencies
    TO spawnq_daemon;
  GRANT SELECT ON spawnq.settings, spawnq.schema_migrations TO spawnq_daemon;
  GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA spawnq TO spawnq_daemon;
END
$$;
