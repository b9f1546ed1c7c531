// JobSearch is the part of JobStore that finds jobs for people: the filters
// of `spawnq jobs` (and of the web console to come), newest first, paged by
// id — a page ends at an id and the next starts below it, never an OFFSET
// that reads every row before the page. The statements are in
// job_search_sql.cpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <pqxx/connection>

#include "job.hpp"
#include "statement.hpp"

namespace spawnq {

// Every field narrows the search; an empty one does not.
struct JobFilter {
  std::optional<std::string> queue;
  std::vector<JobStatus> statuses;          // any of these; empty: every status
  std::optional<std::string> job_type;
  std::optional<std::string> error;         // in last_error, ignoring case
  std::optional<std::string> created_since;  // a timestamp PostgreSQL reads unambiguously
  std::optional<double> created_within_s;   // created at most this long ago, by the database's clock
  std::optional<JobId> before_id;           // the page after the one that ended at this id
};

// One job as a list shows it.
struct JobLine {
  JobId id = 0;
  std::string queue;
  std::string job_type;
  JobStatus status = JobStatus::pending;
  int attempts = 0;
  std::optional<int> max_attempts;  // NULL until a claim fills in the queue's
  std::string created_at;           // ISO 8601, UTC
  double age_s = 0;                 // since created, by the database's clock
  std::optional<std::string> error;  // the first line of last_error
};

// One daemon as `spawnq workers` shows it.
struct WorkerLine {
  WorkerId id = 0;
  std::string host;
  int pid = 0;
  std::string version;
  std::vector<std::string> queues;
  std::string started_at;  // ISO 8601, UTC
  double silent_s = 0;     // since its last heartbeat, by the database's clock
  bool draining = false;
  std::int64_t running = 0;  // jobs it holds in processing
};

struct JobPage {
  std::vector<JobLine> jobs;
  std::optional<JobId> next_before_id;  // set when more jobs match beyond this page
};

class JobSearch {
 public:
  JobSearch(pqxx::connection& conn, const StatementBook& sql) : conn_(conn), sql_(sql) {}

  // At most `limit` jobs that match, newest first.
  JobPage find(const JobFilter& filter, int limit);

  // The ids of at most `limit` jobs that match, oldest first: what a bulk
  // action acts on.
  std::vector<JobId> matching_ids(const JobFilter& filter, int limit);

  // Every registered daemon, oldest first.
  std::vector<WorkerLine> workers();

 private:
  pqxx::connection& conn_;
  const StatementBook& sql_;
};

const std::vector<Statement>& job_search_statements();

}  // namespace spawnq
