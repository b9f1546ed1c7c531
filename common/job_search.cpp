#include "job_search.hpp"

#include <pqxx/pqxx>

#include "sql_values.hpp"

namespace spawnq {

JobPage JobSearch::find(const JobFilter& filter, int limit) {
  std::optional<std::string> statuses;
  if (!filter.statuses.empty()) statuses = to_text_array(filter.statuses);
  pqxx::work w(conn_);
  // One more than asked says whether there is a next page.
  const auto rows = sql_.exec(w, "find_jobs", filter.queue, statuses, filter.job_type, filter.error,
                              filter.created_since, filter.created_within_s, filter.before_id, limit + 1);
  w.commit();
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

}  // namespace spawnq
