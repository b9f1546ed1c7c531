// What the config says about running one claimed job: its time limit and the
// envelope handed to job-runner (SPEC §4), with a command handler resolved here
// so that the runner reads no config. Pure functions over values.
#pragma once

#include <chrono>
#include <string>

#include "common/job.hpp"
#include "config/config.hpp"

namespace spawnq {

// The handler's timeout, else the queue's.
std::chrono::milliseconds job_timeout(const QueueConfig& queue, const Config& config,
                                      const std::string& job_type);

// The queue's limits with the handler's own put over them, key by key.
JobLimits merged_limits(const JobLimits& queue, const JobLimits& handler);

// The limits a job of this type runs under in this queue.
JobLimits job_limits(const QueueConfig& queue, const Config& config, const std::string& job_type);

std::string build_envelope(const ClaimedJob& job, const QueueConfig& queue, const Config& config);

}  // namespace spawnq
