// Which setting rules a job: its own column, its handler's (handlers:), its
// queue's (queues:), or the global default, strongest first (docs/SPEC.md
// §2.1). The claim and the daemon apply these; `spawnq show` names the
// level that applied. Pure.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "config.hpp"

namespace spawnq {

enum class PolicyLevel { job, handler, queue, global };
std::string_view to_string(PolicyLevel level);  // job, handler, queue, default

template <typename T>
struct Resolved {
  T value;
  PolicyLevel level;
};

// What the config says for a job of `job_type` in `queue` (its own column,
// where it has one, is the caller's to put first).
Resolved<int> max_attempts_for(const Config& config, const QueueConfig& queue, const std::string& job_type);
Resolved<std::vector<Duration>> backoff_for(const Config& config, const QueueConfig& queue,
                                            const std::string& job_type);
Resolved<Duration> timeout_for(const Config& config, const QueueConfig& queue, const std::string& job_type);

}  // namespace spawnq
