#include "job_store_sql.hpp"

namespace spawnq {
namespace {

constexpr const char* kLiveStatuses = "('pending', 'processing', 'retry_wait')";

// A claim is also a heartbeat, and claims nothing for a worker whose row is
// gone (declared dead by another daemon): its jobs may be running elsewhere,
// and it must register anew first.
const std::string kClaimHead =
    "WITH me AS ("
    "  UPDATE spawnq.workers SET heartbeat_at = now() WHERE id = $3 RETURNING id),";

// Runnable rows of the queue, in claim order; served by jobs_claim_idx.
const std::string kEligible =
    "  SELECT id, job_type, priority, available_at FROM spawnq.jobs"
    "   WHERE queue = $1 AND status IN ('pending', 'retry_wait') AND available_at <= now()"
    "     AND blocked_by = 0"
    "     AND EXISTS (SELECT 1 FROM me)"
    "     AND NOT EXISTS (SELECT 1 FROM spawnq.paused_queues p WHERE p.queue = $1)";

const std::string kPickPlain =
    " picked AS (" + kEligible +
    "   ORDER BY priority DESC, available_at, id"
    "   LIMIT $2 FOR UPDATE SKIP LOCKED),";

// $5: {"types": {TYPE: {"max": N, "rate": N, "per_s": S}}, "global": N}.
// Room per limited type (running anywhere, and started within the rate
// window) and in the queue; types without room are skipped, so other types
// are not held up behind them.
const std::string kPickLimited =
    " rules AS ("
    "  SELECT key AS job_type, (value->>'max')::int AS max_running, (value->>'rate')::int AS rate_limit,"
    "         (value->>'per_s')::float8 AS per_s"
    "    FROM jsonb_each($5::jsonb->'types')),"
    " room AS ("
    "  SELECT r.job_type, LEAST("
    "           COALESCE(r.max_running - (SELECT count(*) FROM spawnq.jobs j"
    "                                      WHERE j.status = 'processing' AND j.job_type = r.job_type), 2147483647),"
    "           COALESCE(r.rate_limit - (SELECT count(*) FROM spawnq.jobs j"
    "                                     WHERE j.job_type = r.job_type"
    "                                       AND j.started_at > now() - make_interval(secs => r.per_s)), 2147483647)"
    "         ) AS free"
    "    FROM rules r),"
    " queue_room AS ("
    "  SELECT COALESCE(($5::jsonb->>'global')::int - (SELECT count(*) FROM spawnq.jobs j"
    "                                                  WHERE j.queue = $1 AND j.status = 'processing'),"
    "                  2147483647) AS free),"
    " candidates AS (" + kEligible +
    "     AND NOT EXISTS (SELECT 1 FROM room WHERE room.job_type = jobs.job_type AND room.free <= 0)"
    "   ORDER BY priority DESC, available_at, id"
    "   LIMIT $2 * 4 + 32 FOR UPDATE SKIP LOCKED),"
    " ranked AS ("
    "  SELECT c.*, row_number() OVER (PARTITION BY c.job_type ORDER BY c.priority DESC, c.available_at, c.id) AS nth"
    "    FROM candidates c),"
    " allowed AS ("
    "  SELECT k.id, row_number() OVER (ORDER BY k.priority DESC, k.available_at, k.id) AS overall"
    "    FROM ranked k LEFT JOIN room ON room.job_type = k.job_type"
    "   WHERE room.free IS NULL OR k.nth <= room.free),"
    " picked AS ("
    "  SELECT id FROM allowed, queue_room WHERE allowed.overall <= queue_room.free"
    "   ORDER BY allowed.overall LIMIT $2),";

const std::string kClaimTail =
    " claimed AS ("
    "  UPDATE spawnq.jobs j SET status = 'processing', attempts = j.attempts + 1,"
    "         max_attempts = COALESCE(j.max_attempts, $4), worker_id = $3,"
    "         started_at = now(), finished_at = NULL, progress = NULL"
    "    FROM picked WHERE j.id = picked.id"
    "  RETURNING j.*),"
    " opened AS ("
    "  INSERT INTO spawnq.job_attempts (job_id, attempt, worker_id)"
    "  SELECT id, attempts, $3 FROM claimed)"
    " SELECT id, queue, job_type, payload::text, priority, attempts, max_attempts,"
    "        reference, job_group"
    "   FROM claimed ORDER BY priority DESC, available_at, id";

}  // namespace

const std::vector<Statement>& job_store_statements() {
  static const std::vector<Statement> all = {
      {"enqueue",
       "SELECT spawnq.enqueue(job_type => $1, payload => $2::jsonb, queue => $3, priority => $4,"
       " run_at => COALESCE($5::timestamptz, now() + make_interval(secs => COALESCE($6::float8, 0))),"
       " max_attempts => $7, reference => $8, job_group => $9, after => $10::bigint[])"},
      {"claim", kClaimHead + kPickPlain + kClaimTail},
      {"claim_limited", kClaimHead + kPickLimited + kClaimTail},
      // Claims of limited job types (and of a queue with global_max_workers)
      // take these first, in key order, so that counting and claiming are
      // one step across every daemon; released at commit.
      {"limit_lock", "SELECT pg_advisory_xact_lock(hashtextextended('spawnq.limit:' || $1, 0))"},
      {"record",
       // Outcomes of many attempts in one statement, one JSON object each
       // (see JobStore::record_batch); returns the jobs whose fence held.
       "WITH input AS ("
       "  SELECT * FROM jsonb_to_recordset($1::jsonb) AS i("
       "    job_id bigint, attempt int, worker_id bigint, status text, delay_s float8,"
       "    outcome text, pid int, exit_code int, signal int, error text, output_tail text)),"
       " job AS ("
       "  UPDATE spawnq.jobs j SET status = i.status,"
       "         available_at = CASE WHEN i.status = 'retry_wait'"
       "                             THEN now() + make_interval(secs => i.delay_s)"
       "                             ELSE j.available_at END,"
       "         finished_at = CASE WHEN i.status = 'retry_wait' THEN NULL ELSE now() END,"
       "         progress = CASE WHEN i.status = 'done' THEN 1 ELSE j.progress END,"
       "         last_error = CASE WHEN i.status = 'done' THEN j.last_error ELSE i.error END"
       "    FROM input i"
       "   WHERE j.id = i.job_id AND j.attempts = i.attempt AND j.worker_id = i.worker_id"
       "     AND j.status = 'processing'"
       "  RETURNING j.id),"
       " attempt AS ("
       "  UPDATE spawnq.job_attempts a SET finished_at = now(), outcome = i.outcome, pid = i.pid,"
       "         exit_code = i.exit_code, signal = i.signal, error = i.error, output_tail = i.output_tail"
       "    FROM input i JOIN job ON job.id = i.job_id"
       "   WHERE a.job_id = i.job_id AND a.attempt = i.attempt AND a.worker_id = i.worker_id"
       "     AND a.finished_at IS NULL)"
       " SELECT id FROM job"},
      {"take_tick",
       // Wins the tick for this daemon, or returns nothing (someone else took
       // it, or a newer one). Returns the status of the job of the tick before.
       "INSERT INTO spawnq.schedules AS s (name, last_tick) VALUES ($1, to_timestamp($2))"
       " ON CONFLICT (name) DO UPDATE SET last_tick = EXCLUDED.last_tick, updated_at = now()"
       "  WHERE s.last_tick < EXCLUDED.last_tick"
       " RETURNING (SELECT status FROM spawnq.jobs WHERE id = s.last_job_id)"},
      {"set_schedule_job", "UPDATE spawnq.schedules SET last_job_id = $2 WHERE name = $1"},
      {"schedule_states",
       "SELECT s.name, extract(epoch FROM s.last_tick)::bigint, s.last_job_id, j.status"
       "  FROM spawnq.schedules s LEFT JOIN spawnq.jobs j ON j.id = s.last_job_id"
       " WHERE s.name = ANY($1::text[])"},
      {"pause_queue",
       "INSERT INTO spawnq.paused_queues (queue) VALUES ($1) ON CONFLICT (queue) DO NOTHING RETURNING queue"},
      {"resume_queue", "DELETE FROM spawnq.paused_queues WHERE queue = $1 RETURNING queue"},
      // Daemons LISTEN here to show the change and, on resume, to claim at once.
      {"notify_pause", "SELECT pg_notify('spawnq_pause', $1)"},
      {"wake_queue", "SELECT pg_notify('spawnq:' || $1, '')"},
      {"paused_queues", "SELECT queue FROM spawnq.paused_queues ORDER BY queue"},
      {"register_worker",
       "INSERT INTO spawnq.workers (host, pid, queues, version, boot_id, pid_namespace)"
       " VALUES ($1, $2, $3::text[], $4, $5, $6) RETURNING id"},
      {"remove_worker", "DELETE FROM spawnq.workers WHERE id = $1"},
      {"heartbeat", "UPDATE spawnq.workers SET heartbeat_at = now() WHERE id = $1 RETURNING id"},
      {"update_progress",
       "UPDATE spawnq.jobs SET progress = $4"
       " WHERE id = $1 AND attempts = $2 AND worker_id = $3 AND status = 'processing' RETURNING id"},
      {"release_unknown_claims",
       "WITH released AS ("
       "  UPDATE spawnq.jobs SET status = 'pending', attempts = attempts - 1, started_at = NULL"
       "   WHERE worker_id = $1 AND queue = $2 AND status = 'processing'"
       "     AND NOT (id = ANY($3::bigint[]))"
       "  RETURNING id, attempts + 1 AS attempt),"
       " forgotten AS ("
       "  DELETE FROM spawnq.job_attempts a USING released"
       "   WHERE a.job_id = released.id AND a.attempt = released.attempt AND a.worker_id = $1"
       "     AND a.finished_at IS NULL)"
       " SELECT id FROM released ORDER BY id"},
      {"load_job",
       "SELECT id, queue, job_type, payload::text, priority, attempts + 1,"
       "       COALESCE(max_attempts, $2), reference, job_group"
       "  FROM spawnq.jobs WHERE id = $1"},
      {"record_manual",
       "WITH job AS ("
       "  UPDATE spawnq.jobs SET status = $3::text, attempts = $2, worker_id = NULL,"
       "         started_at = now(),"
       "         available_at = CASE WHEN $3::text = 'retry_wait'"
       "                             THEN now() + make_interval(secs => $4::float8)"
       "                             ELSE available_at END,"
       "         finished_at = CASE WHEN $3::text = 'retry_wait' THEN NULL ELSE now() END,"
       "         progress = CASE WHEN $3::text = 'done' THEN 1 ELSE progress END,"
       "         last_error = CASE WHEN $3::text = 'done' THEN last_error ELSE $9 END"
       "   WHERE id = $1 AND status IN ('pending', 'retry_wait', 'failed', 'dead')"
       "  RETURNING id),"
       " attempt AS ("
       "  INSERT INTO spawnq.job_attempts (job_id, attempt, pid, started_at, finished_at, outcome,"
       "                                   exit_code, signal, error, output_tail)"
       "  SELECT id, $2, $6, now(), now(), $5, $7, $8, $9, $10 FROM job)"
       " SELECT count(*) FROM job"},
      {"stats",
       "SELECT queue, status, count(*),"
       "       extract(epoch FROM now() - min(available_at) FILTER ("
       "         WHERE status IN ('pending', 'retry_wait') AND available_at <= now() AND blocked_by = 0))::float8"
       "  FROM spawnq.jobs WHERE ($1::text IS NULL OR queue = $1)"
       " GROUP BY queue, status ORDER BY queue"},
      {"show_job", "SELECT row_to_json(j)::text FROM spawnq.jobs j WHERE id = $1"},
      {"show_attempts",
       "SELECT COALESCE(json_agg(a ORDER BY a.id), '[]')::text"
       "  FROM (SELECT id, attempt, worker_id, pid, started_at, finished_at, exit_code, signal,"
       "               outcome, error, output_tail"
       "          FROM spawnq.job_attempts WHERE job_id = $1) a"},
      {"rescue",
       "WITH stuck AS ("
       "  SELECT j.id FROM spawnq.jobs j LEFT JOIN spawnq.workers w ON w.id = j.worker_id"
       "   WHERE j.status = 'processing' AND ($1::text IS NULL OR j.queue = $1)"
       // A rescuer never rescues its own jobs: it knows it is alive, even when
       // its heartbeat is stale from an outage it just came back from.
       "     AND ((j.worker_id IS DISTINCT FROM $5::bigint"
       "           AND (w.id IS NULL OR w.heartbeat_at < now() - make_interval(secs => $2::float8)))"
       "          OR j.worker_id = ANY($4::bigint[]))"
       "   FOR UPDATE OF j SKIP LOCKED),"
       " moved AS ("
       "  UPDATE spawnq.jobs j"
       "     SET status = CASE WHEN j.cancel_requested_at IS NOT NULL THEN 'cancelled'"
       "                       WHEN j.attempts >= COALESCE(j.max_attempts, $3) THEN 'dead'"
       "                       ELSE 'retry_wait' END,"
       "         available_at = now(),"
       "         finished_at = CASE WHEN j.cancel_requested_at IS NOT NULL"
       "                              OR j.attempts >= COALESCE(j.max_attempts, $3)"
       "                            THEN now() END,"
       "         last_error = 'lost: worker ' || COALESCE(j.worker_id::text, '?')"
       "                      || ' stopped answering while the job ran'"
       "    FROM stuck WHERE j.id = stuck.id"
       "  RETURNING j.id, j.queue, j.status, j.attempts, j.worker_id, j.last_error),"
       " closed AS ("
       "  UPDATE spawnq.job_attempts a"
       "     SET finished_at = now(),"
       "         outcome = CASE WHEN moved.status = 'cancelled' THEN 'cancelled' ELSE 'lost' END,"
       "         error = moved.last_error"
       "    FROM moved WHERE a.job_id = moved.id AND a.attempt = moved.attempts"
       "     AND a.finished_at IS NULL)"
       " SELECT id, queue, status, worker_id FROM moved ORDER BY id"},
      {"forget_workers",
       "DELETE FROM spawnq.workers w"
       " WHERE ((w.heartbeat_at < now() - make_interval(secs => $1::float8) AND w.id IS DISTINCT FROM $3::bigint)"
       "        OR w.id = ANY($2::bigint[]))"
       "   AND NOT EXISTS (SELECT 1 FROM spawnq.jobs j"
       "                    WHERE j.worker_id = w.id AND j.status = 'processing')"
       " RETURNING id"},
      {"same_host_workers",
       "SELECT id, pid, COALESCE(boot_id, ''), COALESCE(pid_namespace, '')"
       "  FROM spawnq.workers WHERE host = $1 AND id <> $2"},
      {"request_cancel",
       "WITH asked AS ("
       "  UPDATE spawnq.jobs SET cancel_requested_at = COALESCE(cancel_requested_at, now())"
       "   WHERE id = $1 AND status = 'processing' RETURNING id, worker_id)"
       " SELECT id, worker_id, pg_notify('spawnq_cancel', id::text) FROM asked"},
      {"cancel_requests",
       "SELECT id FROM spawnq.jobs"
       " WHERE worker_id = $1 AND status = 'processing' AND cancel_requested_at IS NOT NULL"},
      {"retry_failed",
       std::string("WITH candidates AS (") +
           "  SELECT j.id FROM spawnq.jobs j"
           "   WHERE j.status = ANY($2::text[]) AND ($1::text IS NULL OR j.queue = $1)"
           // A reference may name one live job: skip it if another holds it,
           // and revive only the newest of several finished holders.
           "     AND (j.reference IS NULL OR ("
           "       NOT EXISTS (SELECT 1 FROM spawnq.jobs l WHERE l.queue = j.queue"
           "                    AND l.reference = j.reference AND l.status IN " +
           kLiveStatuses +
           ")"
           "       AND j.id = (SELECT max(k.id) FROM spawnq.jobs k WHERE k.queue = j.queue"
           "                    AND k.reference = j.reference AND k.status = ANY($2::text[]))))"
           "   ORDER BY j.id LIMIT $3 FOR UPDATE SKIP LOCKED)"
           " UPDATE spawnq.jobs j SET status = 'pending', attempts = 0, available_at = now(),"
           "        started_at = NULL, finished_at = NULL, progress = NULL"
           "   FROM candidates WHERE j.id = candidates.id RETURNING j.id"},
      {"cancel",
       "UPDATE spawnq.jobs SET status = 'cancelled', finished_at = now()"
       " WHERE id = $1 AND status IN ('pending', 'retry_wait') RETURNING id"},
      {"job_status", "SELECT status FROM spawnq.jobs WHERE id = $1"},
      // One daemon at a time sweeps expired rows. The key is 0x737061776e72,
      // one past the migration lock's ("spawnq" in ASCII).
      {"retention_lock", "SELECT pg_try_advisory_xact_lock(126926508748402)"},
      {"cleanup",
       "WITH doomed AS ("
       "  SELECT id FROM spawnq.jobs"
       "   WHERE status = ANY($1::text[])"
       "     AND COALESCE(finished_at, created_at) < now() - make_interval(secs => $2::float8)"
       "   LIMIT $3 FOR UPDATE SKIP LOCKED)"
       " DELETE FROM spawnq.jobs j USING doomed WHERE j.id = doomed.id"},
  };
  return all;
}

}  // namespace spawnq
