// The statements of job admin, prepared once per connection by JobStore.
#include "job_admin.hpp"

namespace spawnq {

namespace {

constexpr const char* kLiveStatuses = "('pending', 'processing', 'retry_wait')";

}  // namespace

const std::vector<Statement>& job_admin_statements() {
  static const std::vector<Statement> all = {
      {"stats",
       "SELECT queue, status, count(*),"
       "       extract(epoch FROM now() - min(available_at) FILTER ("
       "         WHERE status IN ('pending', 'retry_wait') AND available_at <= now() AND blocked_by = 0))::float8"
       "  FROM spawnq.jobs WHERE ($1::text IS NULL OR queue = $1)"
       " GROUP BY queue, status ORDER BY queue"},
      {"show_job", "SELECT row_to_json(j)::text FROM spawnq.jobs j WHERE id = $1"},
      {"show_attempts",
       "SELECT COALESCE(json_agg(a ORDER BY a.id), '[]')::text"
       "  FROM (SELECT id, attempt, worker_id, host, pid, started_at, finished_at, exit_code, signal,"
       "               outcome, error, output_tail, extract(epoch FROM finished_at - started_at)::float8 AS duration_s"
       "          FROM spawnq.job_attempts WHERE job_id = $1) a"},
      {"pause_queue",
       "INSERT INTO spawnq.paused_queues (queue) VALUES ($1) ON CONFLICT (queue) DO NOTHING RETURNING queue"},
      {"resume_queue", "DELETE FROM spawnq.paused_queues WHERE queue = $1 RETURNING queue"},
      // Daemons LISTEN here to show the change and, on resume, to claim at once.
      {"notify_pause", "SELECT pg_notify('spawnq_pause', $1)"},
      {"wake_queue", "SELECT pg_notify('spawnq:' || $1, '')"},
      {"paused_queues", "SELECT queue FROM spawnq.paused_queues ORDER BY queue"},
      {"request_cancel",
       "WITH asked AS ("
       "  UPDATE spawnq.jobs SET cancel_requested_at = COALESCE(cancel_requested_at, now())"
       "   WHERE id = $1 AND status = 'processing' RETURNING id, worker_id)"
       " SELECT id, worker_id, pg_notify('spawnq_cancel', id::text) FROM asked"},
      // Each asked id with what became of it; the last SELECT still sees the
      // rows as they were, which is what explains a refusal.
      {"retry_jobs",
       std::string("WITH asked AS (SELECT id, ord FROM unnest($1::bigint[]) WITH ORDINALITY AS a(id, ord)),"
                   " holders AS ("
                   "  SELECT j.id, l.id AS holder FROM spawnq.jobs j JOIN spawnq.jobs l"
                   "    ON l.queue = j.queue AND l.reference = j.reference AND l.id <> j.id AND l.status IN ") +
           kLiveStatuses +
           "   WHERE j.id IN (SELECT id FROM asked) AND j.status <> 'retry_wait'),"
           " changed AS ("
           "  UPDATE spawnq.jobs j SET status = 'pending', available_at = now(), started_at = NULL,"
           "         finished_at = NULL, progress = NULL, cancel_requested_at = NULL, blocked_by = 0,"
           "         attempts = CASE WHEN j.status = 'retry_wait' THEN j.attempts ELSE 0 END"
           "   WHERE j.id IN (SELECT id FROM asked) AND j.status IN ('failed', 'dead', 'cancelled', 'retry_wait')"
           "     AND j.id NOT IN (SELECT id FROM holders)"
           // Of several asked jobs with one reference, the newest comes back.
           "     AND (j.reference IS NULL OR j.status = 'retry_wait' OR j.id = ("
           "       SELECT max(k.id) FROM spawnq.jobs k WHERE k.id IN (SELECT id FROM asked) AND k.queue = j.queue"
           "          AND k.reference = j.reference AND k.status IN ('failed', 'dead', 'cancelled')))"
           "  RETURNING j.id, j.queue, j.reference)"
           " SELECT a.id, c.id IS NOT NULL, j.status,"
           "        COALESCE((SELECT min(h.holder) FROM holders h WHERE h.id = a.id),"
           "                 (SELECT min(o.id) FROM changed o WHERE o.id <> a.id AND o.queue = j.queue"
           "                     AND o.reference = j.reference)),"
           "        0, false"
           "   FROM asked a LEFT JOIN changed c ON c.id = a.id LEFT JOIN spawnq.jobs j ON j.id = a.id"
           "  ORDER BY a.ord"},
      // Locked first, in id order, so that an enqueue naming one of them as
      // a dependency either committed its edge before (and the delete sees
      // it) or waits and then finds the job gone.
      {"lock_jobs", "SELECT id FROM spawnq.jobs WHERE id = ANY($1::bigint[]) ORDER BY id FOR UPDATE"},
      {"delete_jobs",
       "WITH asked AS (SELECT id, ord FROM unnest($1::bigint[]) WITH ORDINALITY AS a(id, ord)),"
       " removed AS ("
       "  DELETE FROM spawnq.jobs j WHERE j.id IN (SELECT id FROM asked) AND j.status <> 'processing'"
       "     AND NOT EXISTS (SELECT 1 FROM spawnq.job_dependencies d WHERE d.depends_on = j.id)"
       "  RETURNING j.id)"
       " SELECT a.id, r.id IS NOT NULL, j.status, NULL::bigint,"
       "        (SELECT count(*) FROM spawnq.job_dependencies d WHERE d.depends_on = a.id), false"
       "   FROM asked a LEFT JOIN removed r ON r.id = a.id LEFT JOIN spawnq.jobs j ON j.id = a.id"
       "  ORDER BY a.ord"},
      // The waiting ones end at once (their dependents with them, by the
      // trigger of migration 005); the running ones are their daemons' to stop.
      {"cancel_jobs",
       "WITH asked AS (SELECT id, ord FROM unnest($1::bigint[]) WITH ORDINALITY AS a(id, ord)),"
       " cancelled AS ("
       "  UPDATE spawnq.jobs SET status = 'cancelled', finished_at = now()"
       "   WHERE id IN (SELECT id FROM asked) AND status IN ('pending', 'retry_wait') RETURNING id),"
       " stopping AS ("
       "  UPDATE spawnq.jobs SET cancel_requested_at = COALESCE(cancel_requested_at, now())"
       "   WHERE id IN (SELECT id FROM asked) AND status = 'processing'"
       "  RETURNING id, pg_notify('spawnq_cancel', id::text))"
       " SELECT a.id, c.id IS NOT NULL, j.status, NULL::bigint, 0, s.id IS NOT NULL"
       "   FROM asked a LEFT JOIN cancelled c ON c.id = a.id LEFT JOIN stopping s ON s.id = a.id"
       "   LEFT JOIN spawnq.jobs j ON j.id = a.id"
       "  ORDER BY a.ord"},
      {"cancel",
       "UPDATE spawnq.jobs SET status = 'cancelled', finished_at = now()"
       " WHERE id = $1 AND status IN ('pending', 'retry_wait') RETURNING id"},
      // One daemon at a time sweeps expired rows. The key is 0x737061776e72,
      // one past the migration lock's ("spawnq" in ASCII).
      {"retention_lock", "SELECT pg_try_advisory_xact_lock(126926508748402)"},
      {"cleanup",
       "WITH doomed AS ("
       "  SELECT id FROM spawnq.jobs"
       "   WHERE status = ANY($1::text[])"
       "     AND COALESCE(finished_at, created_at) < now() - make_interval(secs => $2::float8)"
       "   LIMIT $3 FOR UPDATE SKIP LOCKED)"
       " DELETE FROM spawnq.jobs j USING doomed WHERE j.id = doomed.id"}
  };
  return all;
}

}  // namespace spawnq
