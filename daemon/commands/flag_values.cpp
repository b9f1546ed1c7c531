#include "flag_values.hpp"

#include <algorithm>

#include "common/errors.hpp"

namespace spawnq {

Duration parse_duration_flag(const std::string& flag, const std::string& text, DurationBound bound) {
  const auto parsed = parse_duration(text);
  const bool positive = bound == DurationBound::positive;
  if (!parsed || (positive && parsed->count() <= 0)) {
    throw UsageError(flag + ": must be a " + (positive ? "positive" : "non-negative") +
                     " duration such as 30, 30s, 5m or 2h, got '" + text + "'");
  }
  return *parsed;
}

void require_at_least(const std::string& flag, std::int64_t value, std::int64_t minimum) {
  if (value < minimum) {
    throw UsageError(flag + ": must be ≥ " + std::to_string(minimum) + ", got " + std::to_string(value));
  }
}

void add_queue_filter(CLI::App& command, std::optional<std::string>& queue) {
  command.add_option("--queue", queue, "Only this queue");
}

std::string counted(std::size_t count, const std::string& noun) {
  return std::to_string(count) + " " + noun + (count == 1 ? "" : "s");
}

std::vector<JobId> distinct_job_ids(const std::vector<std::int64_t>& ids) {
  std::vector<JobId> distinct;
  for (std::int64_t id : ids) {
    require_at_least("ID", id, 1);
    if (std::find(distinct.begin(), distinct.end(), id) == distinct.end()) distinct.push_back(id);
  }
  return distinct;
}

}  // namespace spawnq
