#include "status_list.hpp"

#include <algorithm>
#include <sstream>

#include "common/errors.hpp"

namespace spawnq {

std::vector<JobStatus> parse_status_list(const std::string& text,
                                         const std::vector<JobStatus>& allowed) {
  std::string names;
  for (JobStatus status : allowed) names += (names.empty() ? "" : ", ") + std::string(to_string(status));
  std::vector<JobStatus> statuses;
  std::istringstream items(text);
  std::string item;
  while (std::getline(items, item, ',')) {
    const auto status = parse_job_status(item);
    if (!status || std::find(allowed.begin(), allowed.end(), *status) == allowed.end()) {
      throw UsageError("--status: '" + item + "' is not one of " + names);
    }
    if (std::find(statuses.begin(), statuses.end(), *status) == statuses.end()) {
      statuses.push_back(*status);
    }
  }
  if (statuses.empty()) throw UsageError("--status: name at least one of " + names);
  return statuses;
}

}  // namespace spawnq
