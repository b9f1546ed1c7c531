// Parses the --status flags of retry-failed and cleanup: a comma-separated
// list of statuses, each of which must be one the command accepts.
#pragma once

#include <string>
#include <vector>

#include "common/job.hpp"

namespace spawnq {

std::vector<JobStatus> parse_status_list(const std::string& text,
                                         const std::vector<JobStatus>& allowed);

}  // namespace spawnq
