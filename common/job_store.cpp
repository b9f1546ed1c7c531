#include "job_store.hpp"

#include <set>

#include <pqxx/pqxx>

#include "connection.hpp"
#include "errors.hpp"
#include "job_store_sql.hpp"

namespace spawnq {
namespace {

// A text[] literal; elements are quoted and escaped, so any text is safe.
std::string to_text_array(const std::vector<std::string>& items) {
  std::string literal = "{";
  for (const std::string& item : items) {
    if (literal.size() > 1) literal += ',';
    literal += '"';
    for (char c : item) {
      if (c == '"' || c == '\\') literal += '\\';
      literal += c;
    }
    literal += '"';
  }
  return literal + "}";
}

std::string to_text_array(const std::vector<JobStatus>& statuses) {
  std::vector<std::string> names;
  for (JobStatus status : statuses) names.emplace_back(to_string(status));
  return to_text_array(names);
}

// A bigint[] literal.
std::string id_array(const std::vector<std::int64_t>& ids) {
  std::string literal = "{";
  for (std::int64_t id : ids) literal += (literal.size() > 1 ? "," : "") + std::to_string(id);
  return literal + "}";
}

template <typename T>
nlohmann::json json_or_null(const std::optional<T>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

double seconds(std::chrono::milliseconds d) { return static_cast<double>(d.count()) / 1000.0; }

template <typename T>
std::optional<T> optional_field(const pqxx::field& field) {
  if (field.is_null()) return std::nullopt;
  return field.as<T>();
}

JobStatus status_field(const pqxx::field& field) {
  return parse_job_status(field.as<std::string>()).value_or(JobStatus::failed);
}

// Columns: id, queue, job_type, payload, priority, attempt, max_attempts, reference, job_group.
ClaimedJob claimed_job(const pqxx::row& row) {
  return ClaimedJob{row[0].as<JobId>(),       row[1].as<std::string>(), row[2].as<std::string>(),
                    row[3].as<std::string>(), row[4].as<int>(),         row[5].as<int>(),
                    row[6].as<int>(),         optional_field<std::string>(row[7]),
                    optional_field<std::string>(row[8])};
}

}  // namespace

JobStore::JobStore(pqxx::connection& conn) : conn_(conn) {
  for (const Statement& statement : job_store_statements()) conn_.prepare(statement.name, statement.sql);
}

JobId JobStore::enqueue(const EnqueueRequest& request) {
  pqxx::work w(conn_);
  const JobId id = enqueue_in(w, request);
  w.commit();
  return id;
}

JobId JobStore::enqueue_in(pqxx::work& w, const EnqueueRequest& r) {
  std::optional<double> delay;
  if (r.delay) delay = seconds(*r.delay);
  std::optional<std::string> after;
  if (!r.after.empty()) after = id_array(r.after);
  try {
    return w.exec_prepared1("enqueue", r.job_type, r.payload_json, r.queue, r.priority, r.run_at, delay,
                            r.max_attempts, r.reference, r.job_group, after)[0]
        .as<JobId>();
  } catch (const pqxx::foreign_key_violation& e) {
    // Raised by spawnq.enqueue() for an `after` id that does not exist.
    std::string message = first_line(e.what());
    if (message.rfind("ERROR:", 0) == 0) message.erase(0, message.find_first_not_of(' ', 6));
    throw UsageError(message);
  }
}

TickResult JobStore::fire_tick(const ScheduledTick& tick) {
  pqxx::work w(conn_);
  const auto taken = w.exec_prepared("take_tick", tick.schedule,
                                     static_cast<std::int64_t>(tick.tick.time_since_epoch().count()));
  TickResult result;
  if (taken.empty()) return result;  // rolled back: nothing was written
  if (!taken[0][0].is_null()) result.previous = parse_job_status(taken[0][0].as<std::string>());
  if (!tick.overlap && result.previous && !is_terminal(*result.previous)) {
    result.kind = TickResult::Kind::skipped;
  } else {
    result.kind = TickResult::Kind::enqueued;
    result.job = enqueue_in(w, tick.job);
    w.exec_prepared("set_schedule_job", tick.schedule, result.job);
  }
  w.commit();
  return result;
}

std::vector<ScheduleState> JobStore::schedule_states(const std::vector<std::string>& names) {
  pqxx::work w(conn_);
  const auto rows = w.exec_prepared("schedule_states", to_text_array(names));
  w.commit();
  std::vector<ScheduleState> states;
  for (const auto& row : rows) {
    ScheduleState state;
    state.name = row[0].as<std::string>();
    state.last_tick = std::chrono::sys_seconds(std::chrono::seconds(row[1].as<std::int64_t>()));
    state.last_job = optional_field<JobId>(row[2]);
    if (!row[3].is_null()) state.last_status = parse_job_status(row[3].as<std::string>());
    states.push_back(std::move(state));
  }
  return states;
}

std::vector<ClaimedJob> JobStore::claim(const std::string& queue, int limit, WorkerId worker,
                                        int default_max_attempts, const ClaimLimits& limits) {
  pqxx::work w(conn_);
  pqxx::result rows;
  if (limits.empty()) {
    rows = w.exec_prepared("claim", queue, limit, worker, default_max_attempts);
  } else {
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
    if (limits.global_max) {
      keys.insert("queue:" + queue);
      rules["global"] = *limits.global_max;
    }
    for (const std::string& key : keys) w.exec_prepared("limit_lock", key);
    rows = w.exec_prepared("claim_limited", queue, limit, worker, default_max_attempts, rules.dump());
  }
  w.commit();
  std::vector<ClaimedJob> jobs;
  jobs.reserve(rows.size());
  for (const auto& row : rows) jobs.push_back(claimed_job(row));
  return jobs;
}

bool JobStore::record(const AttemptRecord& r) { return record_batch({r}).front(); }

std::vector<bool> JobStore::record_batch(const std::vector<AttemptRecord>& records) {
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
      w.exec_prepared("record", input.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  w.commit();
  std::set<JobId> applied;
  for (const auto& row : rows) applied.insert(row[0].as<JobId>());
  std::vector<bool> result;
  for (const AttemptRecord& r : records) result.push_back(applied.count(r.job_id) > 0);
  return result;
}

bool JobStore::update_progress(JobId job, int attempt, WorkerId worker, double fraction) {
  pqxx::work w(conn_);
  const auto rows = w.exec_prepared("update_progress", job, attempt, worker, fraction);
  w.commit();
  return !rows.empty();
}

std::vector<JobId> JobStore::release_unknown_claims(WorkerId worker, const std::string& queue,
                                                    const std::vector<JobId>& running) {
  pqxx::work w(conn_);
  const auto rows = w.exec_prepared("release_unknown_claims", worker, queue, id_array(running));
  w.commit();
  std::vector<JobId> released;
  for (const auto& row : rows) released.push_back(row[0].as<JobId>());
  return released;
}

std::optional<ClaimedJob> JobStore::load_job(JobId id, int default_max_attempts) {
  pqxx::work w(conn_);
  const auto rows = w.exec_prepared("load_job", id, default_max_attempts);
  w.commit();
  if (rows.empty()) return std::nullopt;
  return claimed_job(rows[0]);
}

std::optional<JobStatus> JobStore::job_status(JobId id) {
  pqxx::work w(conn_);
  const auto rows = w.exec_prepared("job_status", id);
  w.commit();
  if (rows.empty()) return std::nullopt;
  return status_field(rows[0][0]);
}

bool JobStore::record_manual(const AttemptRecord& r) {
  pqxx::work w(conn_);
  const auto row = w.exec_prepared1("record_manual", r.job_id, r.attempt,
                                    std::string(to_string(r.next_status)), seconds(r.retry_delay),
                                    std::string(to_string(r.outcome)), r.pid, r.exit_code, r.signal,
                                    r.error, r.output_tail);
  w.commit();
  return row[0].as<std::int64_t>() == 1;
}

HeartbeatResult JobStore::heartbeat(WorkerId worker) {
  pqxx::work w(conn_);
  HeartbeatResult result;
  result.registered = !w.exec_prepared("heartbeat", worker).empty();
  for (const auto& row : w.exec_prepared("cancel_requests", worker)) {
    result.cancel_requested.push_back(row[0].as<JobId>());
  }
  for (const auto& row : w.exec_prepared("paused_queues")) result.paused.push_back(row[0].as<std::string>());
  w.commit();
  return result;
}

std::vector<WorkerRow> JobStore::same_host_workers(const std::string& host, WorkerId self) {
  pqxx::work w(conn_);
  const auto rows = w.exec_prepared("same_host_workers", host, self);
  w.commit();
  std::vector<WorkerRow> workers;
  for (const auto& row : rows) {
    workers.push_back(WorkerRow{row[0].as<WorkerId>(), row[1].as<int>(), row[2].as<std::string>(),
                                row[3].as<std::string>()});
  }
  return workers;
}

std::vector<WorkerId> JobStore::forget_workers(std::chrono::milliseconds silent_for,
                                               const std::vector<WorkerId>& dead,
                                               std::optional<WorkerId> self) {
  pqxx::work w(conn_);
  const auto rows = w.exec_prepared("forget_workers", seconds(silent_for), id_array(dead), self);
  w.commit();
  std::vector<WorkerId> forgotten;
  for (const auto& row : rows) forgotten.push_back(row[0].as<WorkerId>());
  return forgotten;
}

std::optional<std::optional<WorkerId>> JobStore::request_cancel(JobId id) {
  pqxx::work w(conn_);
  const auto rows = w.exec_prepared("request_cancel", id);
  w.commit();
  if (rows.empty()) return std::nullopt;
  return optional_field<WorkerId>(rows[0][1]);
}

WorkerId JobStore::register_worker(const WorkerIdentity& identity,
                                   const std::vector<std::string>& queues,
                                   const std::string& version) {
  pqxx::work w(conn_);
  const auto row = w.exec_prepared1("register_worker", identity.host, identity.pid, to_text_array(queues),
                                    version, identity.boot_id, identity.pid_namespace);
  w.commit();
  return row[0].as<WorkerId>();
}

void JobStore::remove_worker(WorkerId worker) {
  pqxx::work w(conn_);
  w.exec_prepared0("remove_worker", worker);
  w.commit();
}

std::vector<QueueStats> JobStore::stats(const std::optional<std::string>& queue) {
  pqxx::work w(conn_);
  const auto rows = w.exec_prepared("stats", queue);
  w.commit();
  std::vector<QueueStats> result;
  for (const auto& row : rows) {
    const std::string name = row[0].as<std::string>();
    if (result.empty() || result.back().queue != name) result.push_back(QueueStats{name, {}, {}});
    QueueStats& stats = result.back();
    stats.counts[status_field(row[1])] += row[2].as<std::int64_t>();
    if (auto age = optional_field<double>(row[3])) {
      stats.oldest_pending_age_s = std::max(stats.oldest_pending_age_s.value_or(0.0), *age);
    }
  }
  return result;
}

bool JobStore::set_queue_paused(const std::string& queue, bool paused) {
  pqxx::work w(conn_);
  const bool changed = !w.exec_prepared(paused ? "pause_queue" : "resume_queue", queue).empty();
  if (changed) w.exec_prepared("notify_pause", (paused ? "paused:" : "resumed:") + queue);
  w.commit();
  return changed;
}

void JobStore::wake_queue(const std::string& queue) {
  pqxx::work w(conn_);
  w.exec_prepared("wake_queue", queue);
  w.commit();
}

std::vector<std::string> JobStore::paused_queues() {
  pqxx::work w(conn_);
  const auto rows = w.exec_prepared("paused_queues");
  w.commit();
  std::vector<std::string> queues;
  for (const auto& row : rows) queues.push_back(row[0].as<std::string>());
  return queues;
}

std::optional<JobDetails> JobStore::show(JobId id) {
  pqxx::work w(conn_);
  const auto job = w.exec_prepared("show_job", id);
  if (job.empty()) return std::nullopt;
  const auto attempts = w.exec_prepared1("show_attempts", id);
  w.commit();
  return JobDetails{nlohmann::ordered_json::parse(job[0][0].as<std::string>()),
                    nlohmann::ordered_json::parse(attempts[0].as<std::string>())};
}

std::vector<RequeuedJob> JobStore::requeue_stuck(const std::optional<std::string>& queue,
                                                 std::chrono::milliseconds silent_for,
                                                 int default_max_attempts,
                                                 const std::vector<WorkerId>& dead,
                                                 std::optional<WorkerId> self) {
  pqxx::work w(conn_);
  const auto rows =
      w.exec_prepared("rescue", queue, seconds(silent_for), default_max_attempts, id_array(dead), self);
  w.commit();
  std::vector<RequeuedJob> jobs;
  for (const auto& row : rows) {
    jobs.push_back(RequeuedJob{row[0].as<JobId>(), row[1].as<std::string>(), status_field(row[2]),
                               optional_field<WorkerId>(row[3])});
  }
  return jobs;
}

std::vector<JobId> JobStore::retry_failed(const std::optional<std::string>& queue,
                                          const std::vector<JobStatus>& statuses,
                                          std::optional<std::int64_t> limit) {
  pqxx::work w(conn_);
  const auto rows = w.exec_prepared("retry_failed", queue, to_text_array(statuses), limit);
  w.commit();
  std::vector<JobId> ids;
  for (const auto& row : rows) ids.push_back(row[0].as<JobId>());
  return ids;
}

CancelResult JobStore::cancel(JobId id) {
  pqxx::work w(conn_);
  if (!w.exec_prepared("cancel", id).empty()) {
    w.commit();
    return CancelResult{CancelResult::Kind::cancelled, JobStatus::cancelled};
  }
  const auto rows = w.exec_prepared("job_status", id);
  w.commit();
  if (rows.empty()) return CancelResult{CancelResult::Kind::not_found, JobStatus::cancelled};
  const JobStatus status = status_field(rows[0][0]);
  return CancelResult{status == JobStatus::processing ? CancelResult::Kind::running
                                                      : CancelResult::Kind::finished,
                      status};
}

std::optional<std::int64_t> JobStore::sweep_expired(JobStatus status, std::chrono::milliseconds older_than,
                                                    int batch_size) {
  pqxx::work w(conn_);
  if (!w.exec_prepared1("retention_lock")[0].as<bool>()) return std::nullopt;
  const auto result =
      w.exec_prepared("cleanup", to_text_array(std::vector<JobStatus>{status}), seconds(older_than), batch_size);
  w.commit();
  return static_cast<std::int64_t>(result.affected_rows());
}

std::int64_t JobStore::cleanup(std::chrono::milliseconds older_than,
                               const std::vector<JobStatus>& statuses, int batch_size) {
  const std::string status_array = to_text_array(statuses);
  std::int64_t deleted = 0;
  for (;;) {
    pqxx::work w(conn_);
    const auto result = w.exec_prepared("cleanup", status_array, seconds(older_than), batch_size);
    w.commit();
    deleted += static_cast<std::int64_t>(result.affected_rows());
    if (result.affected_rows() < static_cast<pqxx::result::size_type>(batch_size)) return deleted;
  }
}

}  // namespace spawnq
