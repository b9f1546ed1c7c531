#include "job_search.hpp"

#include <pqxx/pqxx>
#include <sstream>

#include "sql_values.hpp"

namespace spawnq {

namespace {

// The statements that read a filter take its fields as $1…$7 and a limit as $8.
pqxx::result run_filtered(pqxx::connection& conn, const StatementBook& sql, const char* statement,
                          const JobFilter& filter, int limit) {
  std::optional<std::string> statuses;
  if (!filter.statuses.empty()) statuses = to_text_array(filter.statuses);
  pqxx::work w(conn);
  auto rows = sql.exec(w, statement, filter.queue, statuses, filter.job_type, filter.error, filter.created_since,
                       filter.created_within_s, filter.before_id, limit);
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
    std::istringstream queues(row[4].as<std::string>());
    for (std::string queue; std::getline(queues, queue, ',');) line.queues.push_back(queue);
    line.started_at = row[5].as<std::string>();
    line.silent_s = row[6].as<double>();
    line.draining = row[7].as<bool>();
    line.running = row[8].as<std::int64_t>();
    lines.push_back(std::move(line));
  }
  return lines;
}

}  // namespace spawnq
