// JobSearch is the part of JobStore that finds and sums up jobs for people:
// the filters of `spawnq jobs` and of the web console, newest first, paged by
// id — a page ends at an id and the next starts below it, never an OFFSET
// that reads every row before the page — with capped counts, failure groups
// and the finished-per-minute of the console's chart. The statements are in
// job_search_sql.cpp.
#pragma once

#include <cstdint>
#include <map>
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
  std::optional<std::string> error_group;   // failed the way a FailureGroup names
  std::optional<std::int64_t> batch;        // members of this batch (jobs_batch_idx)
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
  std::map<std::string, int> max_workers;  // per queue, as it registered; empty: an older daemon
  std::map<std::string, QueueShares> shares;  // the queues that set fair_by or group_max_workers
};

// How many jobs match, counted up to a cap so a count never reads a whole
// big table: `capped` means "at least `count`".
struct CappedCount {
  std::int64_t count = 0;
  bool capped = false;
};

// Failed and dead jobs that failed the same way: the first line of their
// error with numbers and ids folded (docs/SPEC.md §1.3, Failures).
struct FailureGroup {
  std::string error_group;
  std::string example;  // one such error's first line, as it was
  std::int64_t count = 0;
  std::vector<std::string> job_types;
  std::vector<JobStatus> statuses;
  std::string first_seen;  // ISO 8601, UTC: finished_at of the oldest and newest
  std::string last_seen;
};

// Jobs finished in one minute of one queue; minutes_ago 0 is the current one.
struct FinishedMinute {
  std::string queue;
  int minutes_ago = 0;
  std::int64_t done = 0;
  std::int64_t failed = 0;  // failed, dead or cancelled
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

  // For each status, how many jobs match the filter but for its statuses,
  // up to `cap`.
  std::map<JobStatus, CappedCount> count_by_status(const JobFilter& filter, std::int64_t cap);

  // The failure groups among the newest `newest` failed and dead jobs, the
  // biggest first, at most `limit` of them.
  std::vector<FailureGroup> failure_groups(int newest, int limit);

  // What finished in each of the last `minutes` minutes, by queue; minutes
  // with nothing finished are left out.
  std::vector<FinishedMinute> finished_per_minute(int minutes);

  // Every registered daemon, oldest first.
  std::vector<WorkerLine> workers();

 private:
  pqxx::connection& conn_;
  const StatementBook& sql_;
};

const std::vector<Statement>& job_search_statements();

}  // namespace spawnq
