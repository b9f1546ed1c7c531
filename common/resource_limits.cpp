#include "resource_limits.hpp"

namespace spawnq {

std::vector<ResourceLimit> resource_limits(const JobLimits& limits) {
  std::vector<ResourceLimit> list;
  const rlim_t core = limits.core_bytes.value_or(0);
  list.push_back({RLIMIT_CORE, "RLIMIT_CORE", core, core});
  if (limits.memory_bytes) list.push_back({RLIMIT_AS, "RLIMIT_AS", *limits.memory_bytes, *limits.memory_bytes});
  if (limits.cpu_time_s) {
    // SIGXCPU at the limit names the cause; SIGKILL a second later if ignored.
    const auto seconds = static_cast<rlim_t>(*limits.cpu_time_s);
    list.push_back({RLIMIT_CPU, "RLIMIT_CPU", seconds, seconds + 1});
  }
  if (limits.open_files) list.push_back({RLIMIT_NOFILE, "RLIMIT_NOFILE", *limits.open_files, *limits.open_files});
  if (limits.processes) list.push_back({RLIMIT_NPROC, "RLIMIT_NPROC", *limits.processes, *limits.processes});
  return list;
}

}  // namespace spawnq
