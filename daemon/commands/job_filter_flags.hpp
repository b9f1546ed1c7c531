// The filter flags that `spawnq jobs`, `retry-failed` and `cancel` share
// (--queue, --status, --type, --error, --since), read into one JobFilter,
// and the bulk commands' report of what a filter's action did.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "common/job_bulk.hpp"
#include "common/job_search.hpp"
#include "config/job_filter_text.hpp"

namespace spawnq {

using JobFilterFlags = JobFilterText;

void add_job_filter_flags(CLI::App& command, JobFilterFlags& flags, const std::string& status_help);

// --status may name only `allowed`; without it, the filter takes `unset`
// (empty: every status).
JobFilter to_filter(const JobFilterFlags& flags, const std::vector<JobStatus>& allowed,
                    const std::vector<JobStatus>& unset);

// --max for a bulk command.
void add_max_flag(CLI::App& command, std::int64_t& max);

// A count flag of a bulk command (--max, --limit): at least 1, and no more
// than a bulk action can take at once.
int bulk_count(const std::string& flag, std::int64_t value);

// Runs the action, prints one line ("re-queued 3 jobs", "cancelled 2 jobs;
// asked the daemons to stop 1 running job; 1 left as it was") and throws a
// RuntimeFailure when more than --max matched.
void run_bulk_command(JobStore& store, const BulkRequest& request);

}  // namespace spawnq
