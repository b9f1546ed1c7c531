// The statements of worker registry, prepared once per connection by JobStore.
#include "worker_registry.hpp"

namespace spawnq {

const std::vector<Statement>& worker_registry_statements() {
  static const std::vector<Statement> all = {
      {"register_worker",
       "INSERT INTO spawnq.workers (host, pid, queues, version, boot_id, pid_namespace, max_workers, queue_shares)"
       " VALUES ($1, $2, $3::text[], $4, $5, $6, $7::jsonb, $8::jsonb) RETURNING id"},
      {"publish_type_defaults",
       // Also forgets the defaults of daemons that are gone: until now they
       // served producers through the gap of a deploy.
       "WITH forgotten AS ("
       "  DELETE FROM spawnq.type_defaults d"
       "   WHERE NOT EXISTS (SELECT 1 FROM spawnq.workers w WHERE w.id = d.worker_id))"
       " INSERT INTO spawnq.type_defaults (worker_id, host, job_type, priority, max_attempts, backoff_s, timeout_s)"
       " SELECT $1, $2, i.job_type, i.priority, i.max_attempts,"
       "        CASE WHEN jsonb_typeof(i.backoff_s) = 'array'"
       "             THEN ARRAY(SELECT jsonb_array_elements_text(i.backoff_s)::float8) END, i.timeout_s"
       "   FROM jsonb_to_recordset($3::jsonb)"
       "        AS i(job_type text, priority int, max_attempts int, backoff_s jsonb, timeout_s float8)"},
      {"published_type_defaults",
       "SELECT d.worker_id, d.host, d.job_type, d.priority, d.max_attempts, to_jsonb(d.backoff_s)::text, d.timeout_s"
       "  FROM spawnq.type_defaults d JOIN spawnq.workers w ON w.id = d.worker_id"
       " ORDER BY d.job_type, d.worker_id"},
      {"remove_worker", "DELETE FROM spawnq.workers WHERE id = $1"},
      {"heartbeat", "UPDATE spawnq.workers SET heartbeat_at = now() WHERE id = $1 RETURNING id"},
      {"mark_draining",
       "UPDATE spawnq.workers SET draining_since = COALESCE(draining_since, now()) WHERE id = $1"},
      {"cancel_requests",
       "SELECT id FROM spawnq.jobs"
       " WHERE worker_id = $1 AND status = 'processing' AND cancel_requested_at IS NOT NULL"},
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
       "  FROM spawnq.workers WHERE host = $1 AND id <> $2"}
  };
  return all;
}

}  // namespace spawnq
