#include "job_filter_flags.hpp"

#include <algorithm>
#include <iostream>

#include "common/errors.hpp"
#include "common/job_store.hpp"
#include "enqueue_args.hpp"
#include "flag_values.hpp"

namespace spawnq {

void add_job_filter_flags(CLI::App& command, JobFilterFlags& flags, const std::string& status_help) {
  add_queue_filter(command, flags.queue);
  command.add_option("--status", flags.statuses, status_help);
  command.add_option("--type", flags.job_type, "Only jobs of this type");
  command.add_option("--error", flags.error, "Only jobs whose last error contains this text (any case)");
  command.add_option("--since", flags.since, "Created within a duration (1h) or since a timestamp");
  command.add_option("--batch", flags.batch, "Only members of this batch");
}

JobFilter to_filter(const JobFilterFlags& flags, const std::vector<JobStatus>& allowed,
                    const std::vector<JobStatus>& unset) {
  return parse_job_filter(flags, allowed, unset, "--");
}

void add_max_flag(CLI::App& command, std::int64_t& max) {
  command.add_option("--max", max, "Refuse when more jobs than this match (default 1000)");
}

int bulk_count(const std::string& flag, std::int64_t value) {
  require_at_least(flag, value, 1);
  // Past this many ids, one statement's array would be the problem, not the cap.
  constexpr std::int64_t kMost = 10'000'000;
  return static_cast<int>(std::min(value, kMost));
}

void run_bulk_command(JobStore& store, const BulkRequest& request) {
  const BulkResult result = run_bulk(store, request);
  if (result.refused) {
    throw RuntimeFailure("more than " + std::to_string(request.max) +
                         " jobs match, so none was changed; narrow the filter or raise --max");
  }
  std::cout << describe(request.action, tally(result.jobs)) << "\n";
}

}  // namespace spawnq
