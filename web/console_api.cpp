#include "console_api.hpp"

#include "common/batch_json.hpp"
#include "common/job_search_json.hpp"
#include "common/sql_values.hpp"

namespace spawnq {
namespace {

nlohmann::json counts_json(const std::map<JobStatus, std::int64_t>& counts) {
  nlohmann::json json = nlohmann::json::object();
  for (const JobStatus status : kAllStatuses) {
    const auto it = counts.find(status);
    json[std::string(to_string(status))] = it == counts.end() ? 0 : it->second;
  }
  return json;
}

}  // namespace

nlohmann::json overview_json(const Overview& overview, std::chrono::milliseconds stuck_job_timeout) {
  nlohmann::json queues = nlohmann::json::array();
  for (const QueueOverview& q : overview.queues) {
    queues.push_back({{"queue", q.queue},
                      {"running", q.running},
                      {"max_workers", json_or_null(q.max_workers)},
                      {"daemons", q.daemons},
                      {"shares", to_json(q.shares)},
                      {"shares_differ", q.shares_differ},
                      {"paused", q.paused},
                      {"counts", counts_json(q.counts)},
                      {"oldest_pending_age_s", json_or_null(q.oldest_pending_age_s)},
                      {"done_per_minute", q.done_per_minute},
                      {"failed_per_minute", q.failed_per_minute}});
  }
  return {{"queues", queues},
          {"daemons", daemons_json(overview.daemons, stuck_job_timeout)["daemons"]},
          {"done_per_minute", overview.done_per_minute},
          {"failed_per_minute", overview.failed_per_minute},
          {"read_at", overview.read_at}};
}

nlohmann::json jobs_json(const JobsView& view) {
  nlohmann::json json = to_json(view.page);
  nlohmann::json counts = nlohmann::json::object();
  for (const auto& [status, count] : view.counts) {
    counts[std::string(to_string(status))] = {{"count", count.count}, {"capped", count.capped}};
  }
  json["counts"] = counts;
  return json;
}

nlohmann::json job_json(const JobDetails& job) { return {{"job", job.job}, {"attempts", job.attempts}}; }

nlohmann::json failures_json(const std::vector<FailureGroup>& groups, int newest) {
  nlohmann::json list = nlohmann::json::array();
  for (const FailureGroup& g : groups) {
    nlohmann::json statuses = nlohmann::json::array();
    for (const JobStatus status : g.statuses) statuses.push_back(to_string(status));
    list.push_back({{"error_group", g.error_group},
                    {"example", g.example},
                    {"count", g.count},
                    {"job_types", g.job_types},
                    {"statuses", statuses},
                    {"first_seen", g.first_seen},
                    {"last_seen", g.last_seen}});
  }
  return {{"groups", list}, {"newest", newest}};
}

nlohmann::json daemons_json(const std::vector<WorkerLine>& workers, std::chrono::milliseconds stuck_job_timeout) {
  nlohmann::json list = nlohmann::json::array();
  for (const WorkerLine& w : workers) list.push_back(to_json(w, stuck_job_timeout));
  return {{"daemons", list}};
}


nlohmann::json audit_json(const AuditPage& page) {
  nlohmann::json list = nlohmann::json::array();
  for (const AuditEntry& e : page.entries) {
    list.push_back({{"id", e.id},
                    {"at", e.at},
                    {"user", e.user},
                    {"action", e.action},
                    {"target", e.target},
                    {"job_ids", e.job_ids},
                    {"detail", e.detail}});
  }
  return {{"entries", list}, {"next_before_id", json_or_null(page.next_before_id)}};
}

nlohmann::json batch_json(const Batch& batch, bool show_payloads) {
  nlohmann::json json = to_json(batch);
  if (!show_payloads) json.erase("payload");
  return json;
}

nlohmann::json batches_json(const std::vector<Batch>& batches, bool show_payloads) {
  nlohmann::json all = nlohmann::json::array();
  for (const Batch& b : batches) all.push_back(batch_json(b, show_payloads));
  return {{"batches", all}};
}

void hide_payloads(JobDetails& job) {
  job.job.erase("payload");
  for (auto& attempt : job.attempts) attempt.erase("output_tail");
}

}  // namespace spawnq
