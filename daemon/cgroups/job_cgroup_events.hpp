// What a job's cgroup recorded about the limits it hit (memory.events,
// pids.events), read when its runner exits, and the words its error gets.
// Pure functions over the files' text.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/envelope.hpp"

namespace spawnq {

struct JobCgroupEvents {
  std::uint64_t oom_kills = 0;     // memory.events oom_kill
  std::uint64_t pids_refused = 0;  // pids.events max: forks refused at pids.max
};

// The value of `key` in a flat-keyed cgroup file ("low 0\noom_kill 2\n"); 0 when absent.
std::uint64_t keyed_count(std::string_view text, std::string_view key);

// "the job's memory limit (512M) was reached: 1 process killed by the
// out-of-memory killer"; nullopt when no limit was hit.
std::optional<std::string> describe_limit_hit(const JobCgroupEvents& events, const JobLimits& limits);

}  // namespace spawnq
