// JobPlan is everything the config says about running one claimed job,
// worked out once when it is claimed and kept with it while it runs: its
// time limit and backoff, its limits (the handler's put over the queue's, key by key),
// the envelope handed to job-runner (docs/SPEC.md §4, with a command handler
// resolved here so that the runner reads no config) and its environment;
// for a command handler also the command as the daemon execs it in the
// runner's place. Pure functions over values.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "common/job.hpp"
#include "config/config.hpp"
#include "daemon/process/runner_spawn.hpp"

namespace spawnq {

struct JobPlan {
  std::chrono::milliseconds timeout{0};  // the handler's, else the queue's (config/job_policy)
  std::vector<std::chrono::milliseconds> backoff;  // the same
  JobLimits limits;
  std::string envelope;  // empty for a command the daemon execs itself (kSpawnsDetached)
  std::vector<std::string> environment;  // a command's: with the handler's `env:` over it
  std::optional<DirectCommand> command{};
};

// `base_environment`: the daemon's own, SPAWNQ_* and PG* removed;
// `daemon_pid`: the runner's supervisor, so it can tell if that died first.
JobPlan plan_job(const ClaimedJob& job, const QueueConfig& queue, const Config& config,
                 const std::vector<std::string>& base_environment, long daemon_pid);

// The envelope alone (`spawnq envelope ID`, for `job-runner --job-id`).
std::string build_envelope(const ClaimedJob& job, const QueueConfig& queue, const Config& config);

JobLimits merged_limits(const JobLimits& queue, const JobLimits& handler);

}  // namespace spawnq
