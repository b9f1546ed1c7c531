#include "job_search.hpp"

#include <algorithm>
#include <sstream>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "job_search_json.hpp"
#include "sql_values.hpp"

namespace spawnq {

namespace {

// The statements that read a filter take its fields as $1…$9 and a limit as $10.
pqxx::result run_filtered(pqxx::connection& conn, const StatementBook& sql, const char* statement,
                          const JobFilter& filter, std::int64_t limit) {
  std::optional<std::string> statuses;
  if (!filter.statuses.empty()) statuses = to_text_array(filter.statuses);
  pqxx::work w(conn);
  auto rows = sql.exec(w, statement, filter.queue, statuses, filter.job_type, filter.error, filter.created_since,
                       filter.created_within_s, filter.before_id, filter.error_group, filter.batch, limit);
  w.commit();
  return rows;
}

}  // namespace

JobPage JobSearch::find(const JobFilter& filter, int limit) {
  // One more than asked says whether there is a next page.
  const auto rows = run_filtered(conn_, sql_, "find_jobs", filter, limit + 1);
  JobPage page;
  for (const auto& row : rows) {
    if (static_cast<int>(page.jobs.size()) == limit) {
      page.next_before_id = page.jobs.back().id;
      break;
    }
    JobLine line;
    line.id = row[0].as<JobId>();
    line.queue = row[1].as<std::string>();
    line.job_type = row[2].as<std::string>();
    line.status = status_field(row[3]);
    line.attempts = row[4].as<int>();
    line.max_attempts = optional_field<int>(row[5]);
    line.created_at = row[6].as<std::string>();
    line.age_s = row[7].as<double>();
    line.error = optional_field<std::string>(row[8]);
    page.jobs.push_back(std::move(line));
  }
  return page;
}

std::vector<JobId> JobSearch::matching_ids(const JobFilter& filter, int limit) {
  std::vector<JobId> ids;
  for (const auto& row : run_filtered(conn_, sql_, "match_job_ids", filter, limit)) ids.push_back(row[0].as<JobId>());
  return ids;
}

std::map<JobStatus, CappedCount> JobSearch::count_by_status(const JobFilter& filter, std::int64_t cap) {
  JobFilter every_status = filter;
  every_status.statuses.clear();
  // One more than the cap says that there are more.
  std::map<JobStatus, CappedCount> counts;
  for (const auto& row : run_filtered(conn_, sql_, "count_by_status", every_status, cap + 1)) {
    const auto count = row[1].as<std::int64_t>();
    counts[status_field(row[0])] = CappedCount{std::min(count, cap), count > cap};
  }
  return counts;
}

namespace {

std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> items;
  std::istringstream in(text);
  for (std::string item; std::getline(in, item, ',');) items.push_back(item);
  return items;
}

}  // namespace

std::vector<FailureGroup> JobSearch::failure_groups(int newest, int limit) {
  pqxx::work w(conn_);
  const auto rows = sql_.exec(w, "failure_groups", newest, limit);
  w.commit();
  std::vector<FailureGroup> groups;
  for (const auto& row : rows) {
    FailureGroup group;
    group.error_group = row[0].as<std::string>();
    group.count = row[1].as<std::int64_t>();
    group.job_types = split_commas(row[2].as<std::string>());
    group.first_seen = row[3].c_str();
    group.last_seen = row[4].c_str();
    group.example = row[5].as<std::string>();
    for (const std::string& status : split_commas(row[6].as<std::string>())) {
      if (const auto parsed = parse_job_status(status)) group.statuses.push_back(*parsed);
    }
    groups.push_back(std::move(group));
  }
  return groups;
}

std::vector<FinishedMinute> JobSearch::finished_per_minute(int minutes) {
  pqxx::work w(conn_);
  const auto rows = sql_.exec(w, "finished_per_minute", minutes);
  w.commit();
  std::vector<FinishedMinute> result;
  for (const auto& row : rows) {
    result.push_back(FinishedMinute{row[0].as<std::string>(), row[1].as<int>(), row[2].as<std::int64_t>(),
                                    row[3].as<std::int64_t>()});
  }
  return result;
}

std::vector<WorkerLine> JobSearch::workers() {
  pqxx::work w(conn_);
  const auto rows = sql_.exec(w, "list_workers");
  w.commit();
  std::vector<WorkerLine> lines;
  for (const auto& row : rows) {
    WorkerLine line;
    line.id = row[0].as<WorkerId>();
    line.host = row[1].as<std::string>();
    line.pid = row[2].as<int>();
    line.version = row[3].as<std::string>();
    // Queue names hold no commas (docs/SPEC.md §3.1), so the list travels as one text.
    line.queues = split_commas(row[4].as<std::string>());
    line.started_at = row[5].as<std::string>();
    line.silent_s = row[6].as<double>();
    line.draining = row[7].as<bool>();
    line.running = row[8].as<std::int64_t>();
    const nlohmann::json max_workers = nlohmann::json::parse(row[9].as<std::string>());
    for (auto it = max_workers.begin(); it != max_workers.end(); ++it) {
      if (it->is_number_integer()) line.max_workers[it.key()] = it->get<int>();
    }
    const nlohmann::json shares = nlohmann::json::parse(row[10].as<std::string>());
    for (auto it = shares.begin(); it != shares.end(); ++it) line.shares[it.key()] = queue_shares_from_json(*it);
    lines.push_back(std::move(line));
  }
  return lines;
}

}  // namespace spawnq
