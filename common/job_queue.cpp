#include "job_queue.hpp"

#include <set>

#include <pqxx/pqxx>

#include "connection.hpp"
#include "door_refusal.hpp"
#include "errors.hpp"
#include "sql_values.hpp"

namespace spawnq {

JobId JobQueue::enqueue(const EnqueueRequest& request) {
  pqxx::work w(conn_);
  const JobId id = enqueue_in(w, request);
  w.commit();
  return id;
}

int JobQueue::claim_size(int free) const {
  // Behind a pooler every statement is planned anew anyway: rounding down
  // would only add claims.
  return sql_.prepares() ? claim_batch(free) : free;
}

std::vector<ClaimedJob> JobQueue::claim(const std::string& queue, int limit, WorkerId worker,
                                        const MaxAttempts& max_attempts, const ClaimLimits& limits) {
  pqxx::result rows;
  const std::string types = nlohmann::json(max_attempts.types).dump();
  // A claim of a fixed size has a statement of its own, which keeps one
  // generic plan (job_queue_sql.cpp says why).
  const bool fixed = sql_.prepares() && limit == claim_batch(limit);
  if (limits.empty()) {
    // One statement: an idle daemon's wake-up waits for one round trip, not three.
    rows = fixed ? sql_.exec_alone(conn_, claim_statement(limit, limits), queue, worker, max_attempts.queue, types,
                                   max_attempts.queue_level)
                 : sql_.exec_alone(conn_, limits.fair ? "claim_fair" : "claim", queue, limit, worker,
                                   max_attempts.queue, types, max_attempts.queue_level);
  } else {
    pqxx::work w(conn_);
    sql_.exec(w, "claim_without_jit");
    // Locks first, in a statement of their own: the claim's snapshot must be
    // taken after them, or it could miss what the daemon before us claimed.
    std::set<std::string> keys;
    nlohmann::json rules = {{"types", nlohmann::json::object()}};
    for (const auto& [job_type, rule] : limits.types) {
      keys.insert("type:" + job_type);
      nlohmann::json& r = rules["types"][job_type];
      if (rule.max_running) r["max"] = *rule.max_running;
      if (rule.rate) {
        r["rate"] = *rule.rate;
        r["per_s"] = seconds(rule.per);
      }
    }
    // Both count the queue's processing jobs: one lock for the queue.
    if (limits.global_max || limits.group_max) keys.insert("queue:" + queue);
    if (limits.global_max) rules["global"] = *limits.global_max;
    if (limits.group_max) rules["group_max"] = *limits.group_max;
    for (const std::string& key : keys) sql_.exec(w, "limit_lock", key);
    rows = fixed ? sql_.exec(w, claim_statement(limit, limits), queue, worker, max_attempts.queue, rules.dump(), types,
                             max_attempts.queue_level)
                 : sql_.exec(w, limits.fair ? "claim_limited_fair" : "claim_limited", queue, limit, worker,
                             max_attempts.queue, rules.dump(), types, max_attempts.queue_level);
    w.commit();
  }
  std::vector<ClaimedJob> jobs;
  jobs.reserve(rows.size());
  for (const auto& row : rows) jobs.push_back(claimed_job(row));
  return jobs;
}

bool JobQueue::record(const AttemptRecord& r) { return record_batch({r}).front(); }

std::vector<bool> JobQueue::record_batch(const std::vector<AttemptRecord>& records) {
  if (records.empty()) return {};
  nlohmann::json input = nlohmann::json::array();
  for (const AttemptRecord& r : records) {
    input.push_back({{"job_id", r.job_id}, {"attempt", r.attempt}, {"worker_id", r.worker_id},
                     {"status", to_string(r.next_status)}, {"delay_s", seconds(r.retry_delay)},
                     {"outcome", to_string(r.outcome)}, {"pid", json_or_null(r.pid)},
                     {"exit_code", json_or_null(r.exit_code)}, {"signal", json_or_null(r.signal)},
                     {"error", json_or_null(r.error)}, {"output_tail", r.output_tail}});
  }
  pqxx::work w(conn_);
  // Text from jobs was made valid UTF-8 by the caller; `replace` keeps a slip
  // from making a whole batch of outcomes unwritable.
  const auto rows =
      sql_.exec(w, "record", input.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  w.commit();
  std::set<JobId> applied;
  for (const auto& row : rows) applied.insert(row[0].as<JobId>());
  std::vector<bool> result;
  for (const AttemptRecord& r : records) result.push_back(applied.count(r.job_id) > 0);
  return result;
}

bool JobQueue::update_progress(JobId job, int attempt, WorkerId worker, double fraction,
                               const std::optional<std::string>& message) {
  pqxx::work w(conn_);
  const auto rows = sql_.exec(w, "update_progress", job, attempt, worker, fraction, message);
  w.commit();
  return !rows.empty();
}

std::vector<JobId> JobQueue::release_unknown_claims(WorkerId worker, const std::string& queue,
                                                    const std::vector<JobId>& running) {
  pqxx::work w(conn_);
  const auto rows = sql_.exec(w, "release_unknown_claims", worker, queue, id_array(running));
  w.commit();
  std::vector<JobId> released;
  for (const auto& row : rows) released.push_back(row[0].as<JobId>());
  return released;
}

std::optional<ClaimedJob> JobQueue::load_job(JobId id, int default_max_attempts) {
  pqxx::work w(conn_);
  const auto rows = sql_.exec(w, "load_job", id, default_max_attempts);
  w.commit();
  if (rows.empty()) return std::nullopt;
  return claimed_job(rows[0]);
}

std::optional<JobStatus> JobQueue::job_status(JobId id) {
  pqxx::work w(conn_);
  const auto rows = sql_.exec(w, "job_status", id);
  w.commit();
  if (rows.empty()) return std::nullopt;
  return status_field(rows[0][0]);
}

bool JobQueue::record_manual(const AttemptRecord& r) {
  pqxx::work w(conn_);
  const auto row = sql_.exec1(w, "record_manual", r.job_id, r.attempt,
                                    std::string(to_string(r.next_status)), seconds(r.retry_delay),
                                    std::string(to_string(r.outcome)), r.pid, r.exit_code, r.signal,
                                    r.error, r.output_tail);
  w.commit();
  return row[0].as<std::int64_t>() == 1;
}

JobId JobQueue::enqueue_in(pqxx::work& w, const EnqueueRequest& r) {
  std::optional<double> delay;
  if (r.delay) delay = seconds(*r.delay);
  std::optional<std::string> after;
  if (!r.after.empty()) after = id_array(r.after);
  std::optional<std::string> unique_for;
  if (r.unique_for) unique_for = std::to_string(seconds(*r.unique_for)) + " seconds";
  try {
    return sql_.exec1(w, "enqueue", r.job_type, r.payload_json, r.queue, r.priority, r.run_at, delay,
                      r.max_attempts, r.reference, r.job_group, after, unique_for, r.batch)[0]
        .as<JobId>();
  } catch (const pqxx::sql_error& e) {
    rethrow_door_refusal(e);
  }
}

}  // namespace spawnq
