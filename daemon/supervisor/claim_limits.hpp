// The limits a queue's claims enforce across every daemon (issue 7), from the
// config: each handler's max_concurrency and rate, and the queue's
// global_max_workers, group_max_workers and fair_by. Pure.
#pragma once

#include "common/job_store.hpp"
#include "config/config.hpp"

namespace spawnq {

ClaimLimits claim_limits(const Config& config, const QueueConfig& queue);

// Whether a job of `job_type` finishing frees room other daemons may be
// waiting for, so that they should be told to claim again.
bool frees_limited_room(const ClaimLimits& limits, const std::string& job_type);

// What the queue's claims fill into a job without max_attempts: each
// handler's that sets one, else the queue's (config/job_policy's order).
MaxAttempts claim_max_attempts(const Config& config, const QueueConfig& queue);

}  // namespace spawnq
