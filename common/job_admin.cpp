#include "job_admin.hpp"

#include <pqxx/pqxx>

#include "connection.hpp"
#include "errors.hpp"
#include "sql_values.hpp"

namespace spawnq {

std::vector<QueueStats> JobAdmin::stats(const std::optional<std::string>& queue) {
  pqxx::work w(conn_);
  const auto rows = sql_.exec(w, "stats", queue);
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

bool JobAdmin::set_queue_paused(const std::string& queue, bool paused) {
  pqxx::work w(conn_);
  const bool changed = !sql_.exec(w, paused ? "pause_queue" : "resume_queue", queue).empty();
  if (changed) sql_.exec(w, "notify_pause", (paused ? "paused:" : "resumed:") + queue);
  w.commit();
  return changed;
}

std::vector<std::string> JobAdmin::paused_queues() {
  pqxx::work w(conn_);
  const auto rows = sql_.exec(w, "paused_queues");
  w.commit();
  std::vector<std::string> queues;
  for (const auto& row : rows) queues.push_back(row[0].as<std::string>());
  return queues;
}

void JobAdmin::wake_queue(const std::string& queue) {
  pqxx::work w(conn_);
  sql_.exec(w, "wake_queue", queue);
  w.commit();
}

std::optional<JobDetails> JobAdmin::show(JobId id) {
  pqxx::work w(conn_);
  const auto job = sql_.exec(w, "show_job", id);
  if (job.empty()) return std::nullopt;
  const auto attempts = sql_.exec1(w, "show_attempts", id);
  w.commit();
  return JobDetails{nlohmann::ordered_json::parse(job[0][0].as<std::string>()),
                    nlohmann::ordered_json::parse(attempts[0].as<std::string>())};
}

namespace {

std::vector<JobActionResult> action_results(const pqxx::result& rows) {
  std::vector<JobActionResult> results;
  for (const auto& row : rows) {
    JobActionResult r;
    r.id = row[0].as<JobId>();
    r.changed = row[1].as<bool>();
    if (!row[2].is_null()) r.status = status_field(row[2]);
    r.reference_holder = optional_field<JobId>(row[3]);
    r.waiting = row[4].as<std::int64_t>();
    r.stopping = row[5].as<bool>();
    results.push_back(r);
  }
  return results;
}

}  // namespace

std::vector<JobActionResult> JobAdmin::retry_jobs(const std::vector<JobId>& ids) {
  pqxx::work w(conn_);
  const auto rows = sql_.exec(w, "retry_jobs", id_array(ids));
  w.commit();
  return action_results(rows);
}

std::vector<JobActionResult> JobAdmin::delete_jobs(const std::vector<JobId>& ids) {
  pqxx::work w(conn_);
  sql_.exec(w, "lock_jobs", id_array(ids));
  const auto rows = sql_.exec(w, "delete_jobs", id_array(ids));
  w.commit();
  return action_results(rows);
}

std::vector<JobActionResult> JobAdmin::cancel_jobs(const std::vector<JobId>& ids) {
  pqxx::work w(conn_);
  const auto rows = sql_.exec(w, "cancel_jobs", id_array(ids));
  w.commit();
  return action_results(rows);
}

CancelResult JobAdmin::cancel(JobId id) {
  pqxx::work w(conn_);
  if (!sql_.exec(w, "cancel", id).empty()) {
    w.commit();
    return CancelResult{CancelResult::Kind::cancelled, JobStatus::cancelled};
  }
  const auto rows = sql_.exec(w, "job_status", id);
  w.commit();
  if (rows.empty()) return CancelResult{CancelResult::Kind::not_found, JobStatus::cancelled};
  const JobStatus status = status_field(rows[0][0]);
  return CancelResult{status == JobStatus::processing ? CancelResult::Kind::running
                                                      : CancelResult::Kind::finished,
                      status};
}

std::optional<std::optional<WorkerId>> JobAdmin::request_cancel(JobId id) {
  pqxx::work w(conn_);
  const auto rows = sql_.exec(w, "request_cancel", id);
  w.commit();
  if (rows.empty()) return std::nullopt;
  return optional_field<WorkerId>(rows[0][1]);
}

std::optional<std::int64_t> JobAdmin::sweep_expired(JobStatus status, std::chrono::milliseconds older_than,
                                                    int batch_size) {
  pqxx::work w(conn_);
  if (!sql_.exec1(w, "retention_lock")[0].as<bool>()) return std::nullopt;
  const auto result =
      sql_.exec(w, "cleanup", to_text_array(std::vector<JobStatus>{status}), seconds(older_than), batch_size);
  w.commit();
  return static_cast<std::int64_t>(result.affected_rows());
}

std::int64_t JobAdmin::cleanup(std::chrono::milliseconds older_than,
                               const std::vector<JobStatus>& statuses, int batch_size) {
  const std::string status_array = to_text_array(statuses);
  std::int64_t deleted = 0;
  for (;;) {
    pqxx::work w(conn_);
    const auto result = sql_.exec(w, "cleanup", status_array, seconds(older_than), batch_size);
    w.commit();
    deleted += static_cast<std::int64_t>(result.affected_rows());
    if (result.affected_rows() < static_cast<pqxx::result::size_type>(batch_size)) return deleted;
  }
}

}  // namespace spawnq
