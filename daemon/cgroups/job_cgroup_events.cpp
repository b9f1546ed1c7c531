#include "job_cgroup_events.hpp"

#include <charconv>

#include "cgroup_location.hpp"

namespace spawnq {

std::uint64_t keyed_count(std::string_view text, std::string_view key) {
  for (const std::string_view line : split_kernel_text(text, '\n')) {
    if (line.size() <= key.size() || line.substr(0, key.size()) != key || line[key.size()] != ' ') continue;
    std::uint64_t value = 0;
    const std::string_view number = line.substr(key.size() + 1);
    std::from_chars(number.data(), number.data() + number.size(), value);
    return value;
  }
  return 0;
}

std::optional<std::string> describe_limit_hit(const JobCgroupEvents& events, const JobLimits& limits) {
  std::string text;
  if (events.oom_kills > 0) {
    text = "the job's memory limit" +
           (limits.memory_bytes ? " (" + format_size(*limits.memory_bytes) + ")" : std::string()) +
           " was reached: " + std::to_string(events.oom_kills) +
           (events.oom_kills == 1 ? " process" : " processes") + " killed by the out-of-memory killer";
  }
  if (events.pids_refused > 0) {
    if (!text.empty()) text += "; ";
    text += "the job's processes limit" +
            (limits.processes ? " (" + std::to_string(*limits.processes) + ")" : std::string()) +
            " was reached: " + std::to_string(events.pids_refused) +
            (events.pids_refused == 1 ? " fork" : " forks") + " refused";
  }
  if (text.empty()) return std::nullopt;
  return text;
}

}  // namespace spawnq
