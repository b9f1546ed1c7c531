// The statements of job queue, prepared once per connection by JobStore.
#include "job_queue.hpp"

#include <map>
#include <tuple>

namespace spawnq {

namespace {

// The columns an outcome sets on its job, alike for a daemon's outcome and
// one recorded by hand: `status` is the next status, `delay_s` the retry
// delay, `error` the attempt's error; `job` prefixes the job's own columns.
std::string next_state(const std::string& status, const std::string& delay_s, const std::string& error,
                       const std::string& job) {
  return "status = " + status + "," +
         " available_at = CASE WHEN " + status + " = 'retry_wait'"
         "   THEN now() + make_interval(secs => " + delay_s + ") ELSE " + job + "available_at END,"
         " finished_at = CASE WHEN " + status + " = 'retry_wait' THEN NULL ELSE now() END,"
         " progress = CASE WHEN " + status + " = 'done' THEN 1 ELSE " + job + "progress END,"
         " last_error = CASE WHEN " + status + " = 'done' THEN " + job + "last_error ELSE " + error + " END";
}


// Where a claim statement finds each of its values: a placeholder, or, for a
// claim of a fixed size, the size written in. With `LIMIT $2` the plan
// cache's generic plan assumes a tenth of the eligible rows, and on a backlog
// it loses to a custom plan, which is then made again on every run (0.2 ms,
// a third of the claim); with the limit written in the generic plan is as
// good and is kept (bench/README.md, "Claims of a fixed size").
struct ClaimPlaceholders {
  std::string queue, limit, worker, max_attempts, types, level, rules;
};
const ClaimPlaceholders kClaimMany{"$1", "$2", "$3", "$4", "$5", "$6", ""};
const ClaimPlaceholders kClaimLimited{"$1", "$2", "$3", "$4", "$6", "$7", "$5"};
// The same without the limit's placeholder.
ClaimPlaceholders claim_of(int size, bool limited) {
  const std::string n = std::to_string(size);
  if (limited) return {"$1", n, "$2", "$3", "$5", "$6", "$4"};
  return {"$1", n, "$2", "$3", "$4", "$5", ""};
}

// A claim is also a heartbeat, and claims nothing for a worker whose row is
// gone (declared dead by another daemon): its jobs may be running elsewhere,
// and it must register anew first.
std::string claim_head(const ClaimPlaceholders& p) {
  return "WITH me AS ("
         "  UPDATE spawnq.workers SET heartbeat_at = now() WHERE id = " + p.worker + " RETURNING id),";
}

// Runnable rows of the queue; in claim order they are served by
// jobs_claim_idx, or by jobs_fair_claim_idx for a fair queue.
std::string eligible(const ClaimPlaceholders& p) {
  return "  SELECT id, job_type, job_group, priority, available_at, fair_rank FROM spawnq.jobs"
         "   WHERE queue = " + p.queue + " AND status IN ('pending', 'retry_wait') AND available_at <= now()"
         "     AND blocked_by = 0"
         "     AND EXISTS (SELECT 1 FROM me)"
         "     AND NOT EXISTS (SELECT 1 FROM spawnq.paused_queues p WHERE p.queue = " + p.queue + ")";
}

// The claim orders: strictly by priority and age, or by priority and then
// round-robin across job groups (fair_by: group; migration 014).
const std::string kStrictOrder = "priority DESC, available_at, id";
const std::string kFairOrder = "priority DESC, fair_rank, id";

std::string pick_plain(const std::string& order, const ClaimPlaceholders& p) {
  return " picked AS (" + eligible(p) +
         "   ORDER BY " + order +
         "   LIMIT " + p.limit + " FOR UPDATE SKIP LOCKED),";
}

// The rules (p.rules): {"types": {TYPE: {"max": N, "rate": N, "per_s": S}},
// "global": N, "group_max": N}. Room per limited type (running anywhere, and
// started within the rate window), per job group of the queue, and in the
// queue; types and groups without room are skipped before the pick, so the
// others are not held up behind them.
std::string pick_limited(const std::string& order, const ClaimPlaceholders& p) {
  const std::string& rules = p.rules;
  return
    " rules AS ("
    "  SELECT key AS job_type, (value->>'max')::int AS max_running, (value->>'rate')::int AS rate_limit,"
    "         (value->>'per_s')::float8 AS per_s"
    "    FROM jsonb_each(" + rules + "::jsonb->'types')),"
    " room AS ("
    "  SELECT r.job_type, LEAST("
    "           COALESCE(r.max_running - (SELECT count(*) FROM spawnq.jobs j"
    "                                      WHERE j.status = 'processing' AND j.job_type = r.job_type), 2147483647),"
    "           COALESCE(r.rate_limit - (SELECT count(*) FROM spawnq.jobs j"
    "                                     WHERE j.job_type = r.job_type"
    "                                       AND j.started_at > now() - make_interval(secs => r.per_s)), 2147483647)"
    "         ) AS free"
    "    FROM rules r),"
    " group_room AS ("
    "  SELECT COALESCE(j.job_group, '') AS job_group, (" + rules + "::jsonb->>'group_max')::int - count(*) AS free"
    "    FROM spawnq.jobs j"
    "   WHERE j.queue = " + p.queue + " AND j.status = 'processing' AND " + rules + "::jsonb ? 'group_max'"
    "   GROUP BY 1),"
    " queue_room AS ("
    "  SELECT COALESCE((" + rules + "::jsonb->>'global')::int - (SELECT count(*) FROM spawnq.jobs j"
    "                                                  WHERE j.queue = " + p.queue + " AND j.status = 'processing'),"
    "                  2147483647) AS free),"
    " candidates AS (" + eligible(p) +
    "     AND NOT EXISTS (SELECT 1 FROM room WHERE room.job_type = jobs.job_type AND room.free <= 0)"
    "     AND NOT EXISTS (SELECT 1 FROM group_room g"
    "                      WHERE g.job_group = COALESCE(jobs.job_group, '') AND g.free <= 0)"
    "   ORDER BY " + order +
    "   LIMIT " + p.limit + " * 4 + 32 FOR UPDATE SKIP LOCKED),"
    " ranked AS ("
    "  SELECT c.*, row_number() OVER (PARTITION BY c.job_type ORDER BY " + order + ") AS nth,"
    "         row_number() OVER (PARTITION BY COALESCE(c.job_group, '') ORDER BY " + order + ") AS nth_in_group"
    "    FROM candidates c),"
    " allowed AS ("
    "  SELECT k.id, row_number() OVER (ORDER BY " + order + ") AS overall"
    "    FROM ranked k LEFT JOIN room ON room.job_type = k.job_type"
    "         LEFT JOIN group_room g ON g.job_group = COALESCE(k.job_group, '')"
    "   WHERE (room.free IS NULL OR k.nth <= room.free)"
    "     AND k.nth_in_group <= COALESCE(g.free, (" + rules + "::jsonb->>'group_max')::int, 2147483647)),"
    " picked AS ("
    "  SELECT id FROM allowed, queue_room WHERE allowed.overall <= queue_room.free"
    "   ORDER BY allowed.overall LIMIT " + p.limit + "),";
}

// `types` and `level` (of `p`): MaxAttempts's per-type values (jsonb) and its
// queue level. `order`: the claim's, for the order the jobs are started in.
std::string claim_tail(const std::string& order, const ClaimPlaceholders& p) {
  return
    " claimed AS ("
    "  UPDATE spawnq.jobs j SET status = 'processing', attempts = j.attempts + 1,"
    "         max_attempts = COALESCE(j.max_attempts, (" + p.types + "::jsonb->>j.job_type)::int, " +
    p.max_attempts + "),"
    "         max_attempts_from = CASE WHEN j.max_attempts IS NOT NULL THEN COALESCE(j.max_attempts_from, 'job')"
    "                                  WHEN " + p.types + "::jsonb ? j.job_type THEN 'handler' ELSE " + p.level +
    " END,"
    "         worker_id = " + p.worker + ","
    "         started_at = now(), finished_at = NULL, progress = NULL"
    "    FROM picked WHERE j.id = picked.id"
    "  RETURNING j.*),"
    " opened AS ("
    "  INSERT INTO spawnq.job_attempts (job_id, attempt, worker_id, host)"
    "  SELECT id, attempts, " + p.worker + ", (SELECT host FROM spawnq.workers WHERE id = " + p.worker +
    ") FROM claimed)"
    " SELECT id, queue, job_type, payload::text, priority, attempts, max_attempts,"
    "        reference, job_group"
    "   FROM claimed ORDER BY " + order;
}

// A claim with rules (p.rules) is a claim with limits.
std::string claim_sql(const std::string& order, const ClaimPlaceholders& p) {
  return claim_head(p) + (p.rules.empty() ? pick_plain(order, p) : pick_limited(order, p)) + claim_tail(order, p);
}

// The names of the claims of a fixed size (1, 2, 4 … kLargestClaimBatch):
// claim_8, claim_fair_8, claim_limited_8, claim_limited_fair_8. Kept for the
// process's life: a Statement holds a const char*.
using ClaimKey = std::tuple<int, bool, bool>;  // size, fair, limited
const std::map<ClaimKey, std::string>& claim_names() {
  static const auto names = [] {
    std::map<ClaimKey, std::string> all;
    for (int size = 1; size <= kLargestClaimBatch; size *= 2) {
      for (bool fair : {false, true}) {
        for (bool limited : {false, true}) {
          all.emplace(ClaimKey{size, fair, limited}, std::string("claim") + (limited ? "_limited" : "") +
                                                         (fair ? "_fair" : "") + "_" + std::to_string(size));
        }
      }
    }
    return all;
  }();
  return names;
}

std::vector<Statement> with_fixed_size_claims(std::vector<Statement> all) {
  for (const auto& [key, name] : claim_names()) {
    const auto& [size, fair, limited] = key;
    all.push_back({name.c_str(), claim_sql(fair ? kFairOrder : kStrictOrder, claim_of(size, limited))});
  }
  return all;
}

}  // namespace

int claim_batch(int free) {
  int size = 1;
  while (size * 2 <= free && size * 2 <= kLargestClaimBatch) size *= 2;
  return size;
}

const char* claim_statement(int size, const ClaimLimits& limits) {
  return claim_names().at({size, limits.fair, !limits.empty()}).c_str();
}

const std::vector<Statement>& job_queue_statements() {
  static const std::vector<Statement> all = with_fixed_size_claims({
      {"enqueue",
       "SELECT spawnq.enqueue(job_type => $1, payload => $2::jsonb, queue => $3, priority => $4,"
       " run_at => COALESCE($5::timestamptz, now() + make_interval(secs => COALESCE($6::float8, 0))),"
       " max_attempts => $7, reference => $8, job_group => $9, after => $10::bigint[],"
       " unique_for => $11::interval, batch => $12)"},
      {"claim", claim_sql(kStrictOrder, kClaimMany)},
      {"claim_fair", claim_sql(kFairOrder, kClaimMany)},
      {"claim_limited", claim_sql(kStrictOrder, kClaimLimited)},
      {"claim_limited_fair", claim_sql(kFairOrder, kClaimLimited)},
      // Claims of limited job types (and of a queue with global_max_workers)
      // take these first, in key order, so that counting and claiming are
      // one step across every daemon; released at commit.
      {"limit_lock", "SELECT pg_advisory_xact_lock(hashtextextended('spawnq.limit:' || $1, 0))"},
      // And first of all this, for the claim's transaction: a claim with
      // limits counts jobs per type, estimated at a third of the table, so on
      // a backlog its cost passes jit_above_cost and PostgreSQL would compile
      // it on every claim, half a second for a statement that runs in about
      // a millisecond (bench/README.md, "Claims with limits and JIT").
      {"claim_without_jit", "SELECT set_config('jit', 'off', true)"},
      {"record",
       // Outcomes of many attempts in one statement, one JSON object each
       // (see JobStore::record_batch); returns the jobs whose fence held.
       "WITH input AS ("
       "  SELECT * FROM jsonb_to_recordset($1::jsonb) AS i("
       "    job_id bigint, attempt int, worker_id bigint, status text, delay_s float8,"
       "    outcome text, pid int, exit_code int, signal int, error text, output_tail text)),"
       // The batches of these jobs, locked in id order before any job is
       // updated: each finished member moves its batch's counters (migration
       // 012), and two daemons taking two batches in opposite orders would
       // deadlock. Uncorrelated, so it runs once, before the first row.
       " batches AS ("
       "  SELECT b.id FROM spawnq.batches b"
       "   WHERE b.id IN (SELECT j.batch_id FROM spawnq.jobs j JOIN input i ON j.id = i.job_id)"
       "     AND b.completed_at IS NULL"
       "   ORDER BY b.id FOR NO KEY UPDATE),"
       " job AS ("
       "  UPDATE spawnq.jobs j SET " + next_state("i.status", "i.delay_s", "i.error", "j.") +
       "    FROM input i"
       "   WHERE j.id = i.job_id AND j.attempts = i.attempt AND j.worker_id = i.worker_id"
       "     AND j.status = 'processing' AND (SELECT count(*) FROM batches) >= 0"
       "  RETURNING j.id),"
       " attempt AS ("
       "  UPDATE spawnq.job_attempts a SET finished_at = now(), outcome = i.outcome, pid = i.pid,"
       "         exit_code = i.exit_code, signal = i.signal, error = i.error, output_tail = i.output_tail"
       "    FROM input i JOIN job ON job.id = i.job_id"
       "   WHERE a.job_id = i.job_id AND a.attempt = i.attempt AND a.worker_id = i.worker_id"
       "     AND a.finished_at IS NULL)"
       " SELECT id FROM job"},
      {"update_progress",
       "UPDATE spawnq.jobs SET progress = $4, progress_message = $5"
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
       "  UPDATE spawnq.jobs SET attempts = $2, worker_id = NULL, started_at = now(), " +
       next_state("$3::text", "$4::float8", "$9", "") +
       "   WHERE id = $1 AND status IN ('pending', 'retry_wait', 'failed', 'dead')"
       "  RETURNING id),"
       " attempt AS ("
       "  INSERT INTO spawnq.job_attempts (job_id, attempt, pid, started_at, finished_at, outcome,"
       "                                   exit_code, signal, error, output_tail)"
       "  SELECT id, $2, $6, now(), now(), $5, $7, $8, $9, $10 FROM job)"
       " SELECT count(*) FROM job"},
      {"job_status", "SELECT status FROM spawnq.jobs WHERE id = $1"}
  });
  return all;
}

}  // namespace spawnq
