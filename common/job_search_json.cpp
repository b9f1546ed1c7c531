#include "job_search_json.hpp"

#include "sql_values.hpp"

namespace spawnq {

WorkerState worker_state(const WorkerLine& worker, std::chrono::milliseconds stuck_job_timeout) {
  if (worker.silent_s * 1000 > static_cast<double>(stuck_job_timeout.count())) return WorkerState::declared_dead;
  return worker.draining ? WorkerState::draining : WorkerState::serving;
}

std::string_view to_string(WorkerState state) {
  switch (state) {
    case WorkerState::serving: return "serving";
    case WorkerState::draining: return "draining";
    case WorkerState::declared_dead: return "declared dead";
  }
  return "?";
}

nlohmann::json to_json(const QueueShares& shares) {
  nlohmann::json out = nlohmann::json::object();
  if (shares.fair_by_group) out["fair_by"] = "group";
  if (shares.group_max_workers) out["group_max_workers"] = *shares.group_max_workers;
  return out;
}

QueueShares queue_shares_from_json(const nlohmann::json& shares) {
  QueueShares out;
  out.fair_by_group = shares.value("fair_by", "") == "group";
  if (shares.contains("group_max_workers")) out.group_max_workers = shares["group_max_workers"].get<int>();
  return out;
}

nlohmann::json to_json(const std::map<std::string, QueueShares>& shares) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [queue, share] : shares) out[queue] = to_json(share);
  return out;
}

nlohmann::json to_json(const JobLine& job) {
  return {{"id", job.id},
          {"queue", job.queue},
          {"job_type", job.job_type},
          {"status", std::string(to_string(job.status))},
          {"attempts", job.attempts},
          {"max_attempts", json_or_null(job.max_attempts)},
          {"created_at", job.created_at},
          {"age_s", job.age_s},
          {"error", json_or_null(job.error)}};
}

nlohmann::json to_json(const JobPage& page) {
  nlohmann::json jobs = nlohmann::json::array();
  for (const JobLine& job : page.jobs) jobs.push_back(to_json(job));
  return {{"jobs", jobs}, {"next_before_id", json_or_null(page.next_before_id)}};
}

nlohmann::json to_json(const WorkerLine& worker, std::chrono::milliseconds stuck_job_timeout) {
  return {{"id", worker.id},
          {"host", worker.host},
          {"pid", worker.pid},
          {"version", worker.version},
          {"queues", worker.queues},
          {"max_workers", worker.max_workers},
          {"shares", to_json(worker.shares)},
          {"started_at", worker.started_at},
          {"silent_s", worker.silent_s},
          {"running", worker.running},
          {"draining", worker.draining},
          {"declared_dead", worker_state(worker, stuck_job_timeout) == WorkerState::declared_dead}};
}

}  // namespace spawnq
