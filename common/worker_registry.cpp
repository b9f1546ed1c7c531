#include "worker_registry.hpp"

#include <pqxx/pqxx>

#include "connection.hpp"
#include "errors.hpp"
#include "job_search_json.hpp"
#include "sql_values.hpp"

namespace spawnq {

WorkerId WorkerRegistry::register_worker(const WorkerIdentity& identity,
                                         const std::vector<std::string>& queues, const std::string& version,
                                         const WorkerAnnouncement& said) {
  pqxx::work w(conn_);
  const auto row = sql_.exec1(w, "register_worker", identity.host, identity.pid, to_text_array(queues), version,
                              identity.boot_id, identity.pid_namespace, nlohmann::json(said.max_workers).dump(),
                              to_json(said.shares).dump());
  const auto worker = row[0].as<WorkerId>();
  nlohmann::json rows = nlohmann::json::array();
  for (const TypeDefault& d : said.defaults) {
    rows.push_back({{"job_type", d.job_type}, {"priority", json_or_null(d.priority)},
                    {"max_attempts", json_or_null(d.max_attempts)}, {"backoff_s", json_or_null(d.backoff_s)},
                    {"timeout_s", json_or_null(d.timeout_s)}});
  }
  sql_.exec0(w, "publish_type_defaults", worker, identity.host, rows.dump());
  w.commit();
  return worker;
}

std::vector<PublishedDefault> WorkerRegistry::published_defaults() {
  pqxx::work w(conn_);
  const auto rows = sql_.exec(w, "published_type_defaults");
  w.commit();
  std::vector<PublishedDefault> published;
  for (const auto& row : rows) {
    PublishedDefault p;
    p.worker = row[0].as<WorkerId>();
    p.host = row[1].as<std::string>();
    p.values.job_type = row[2].as<std::string>();
    p.values.priority = optional_field<int>(row[3]);
    p.values.max_attempts = optional_field<int>(row[4]);
    if (!row[5].is_null()) p.values.backoff_s = nlohmann::json::parse(row[5].c_str()).get<std::vector<double>>();
    p.values.timeout_s = optional_field<double>(row[6]);
    published.push_back(std::move(p));
  }
  return published;
}

void WorkerRegistry::remove_worker(WorkerId worker) {
  pqxx::work w(conn_);
  sql_.exec0(w, "remove_worker", worker);
  w.commit();
}

void WorkerRegistry::mark_draining(WorkerId worker) {
  pqxx::work w(conn_);
  sql_.exec0(w, "mark_draining", worker);
  w.commit();
}

HeartbeatResult WorkerRegistry::heartbeat(WorkerId worker) {
  pqxx::work w(conn_);
  HeartbeatResult result;
  result.registered = !sql_.exec(w, "heartbeat", worker).empty();
  for (const auto& row : sql_.exec(w, "cancel_requests", worker)) {
    result.cancel_requested.push_back(row[0].as<JobId>());
  }
  for (const auto& row : sql_.exec(w, "paused_queues")) result.paused.push_back(row[0].as<std::string>());
  w.commit();
  return result;
}

std::vector<WorkerRow> WorkerRegistry::same_host_workers(const std::string& host, WorkerId self) {
  pqxx::work w(conn_);
  const auto rows = sql_.exec(w, "same_host_workers", host, self);
  w.commit();
  std::vector<WorkerRow> workers;
  for (const auto& row : rows) {
    workers.push_back(WorkerRow{row[0].as<WorkerId>(), row[1].as<int>(), row[2].as<std::string>(),
                                row[3].as<std::string>()});
  }
  return workers;
}

std::vector<WorkerId> WorkerRegistry::forget_workers(std::chrono::milliseconds silent_for,
                                               const std::vector<WorkerId>& dead,
                                               std::optional<WorkerId> self) {
  pqxx::work w(conn_);
  const auto rows = sql_.exec(w, "forget_workers", seconds(silent_for), id_array(dead), self);
  w.commit();
  std::vector<WorkerId> forgotten;
  for (const auto& row : rows) forgotten.push_back(row[0].as<WorkerId>());
  return forgotten;
}

std::vector<RequeuedJob> WorkerRegistry::requeue_stuck(const std::optional<std::string>& queue,
                                                 std::chrono::milliseconds silent_for,
                                                 int default_max_attempts,
                                                 const std::vector<WorkerId>& dead,
                                                 std::optional<WorkerId> self) {
  pqxx::work w(conn_);
  const auto rows =
      sql_.exec(w, "rescue", queue, seconds(silent_for), default_max_attempts, id_array(dead), self);
  w.commit();
  std::vector<RequeuedJob> jobs;
  for (const auto& row : rows) {
    jobs.push_back(RequeuedJob{row[0].as<JobId>(), row[1].as<std::string>(), status_field(row[2]),
                               optional_field<WorkerId>(row[3])});
  }
  return jobs;
}

}  // namespace spawnq
