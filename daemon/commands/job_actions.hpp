// `spawnq retry ID…` and `spawnq delete ID…`, the commands that act on jobs
// named by id, and how they answer: a line on stdout for each job, in the
// order given, saying what became of it or why not; then exit 0 when every
// job was changed, else one line on stderr and exit 1.
#pragma once

#include <string>
#include <vector>

#include "common/job_admin.hpp"

namespace spawnq {

enum class JobAction { retry, remove };

// "job 12 re-queued", "job 13 not deleted: it is running (cancel it first)". Pure.
std::string describe_job_action(JobAction action, const JobActionResult& result);

// Prints each line; throws RuntimeFailure ("1 of 3 jobs not re-queued") unless every job was changed.
void report_job_actions(JobAction action, const std::vector<JobActionResult>& results);

}  // namespace spawnq
