#include "claim_limits.hpp"

namespace spawnq {

ClaimLimits claim_limits(const Config& config, const QueueConfig& queue) {
  ClaimLimits limits;
  for (const auto& [job_type, handler] : config.handlers) {
    if (!handler.max_concurrency && !handler.rate_limit) continue;
    TypeLimit& rule = limits.types[job_type];
    rule.max_running = handler.max_concurrency;
    rule.rate = handler.rate_limit;
    rule.per = handler.rate_per;
  }
  limits.global_max = queue.global_max_workers;
  limits.group_max = queue.group_max_workers;
  limits.fair = queue.fair_by_group;
  return limits;
}

bool frees_limited_room(const ClaimLimits& limits, const std::string& job_type) {
  if (limits.global_max || limits.group_max) return true;
  const auto rule = limits.types.find(job_type);
  return rule != limits.types.end() && rule->second.max_running.has_value();
}

MaxAttempts claim_max_attempts(const Config& config, const QueueConfig& queue) {
  MaxAttempts max_attempts(queue.max_attempts);
  max_attempts.queue_level = queue.own.max_attempts ? "queue" : "default";
  for (const auto& [job_type, handler] : config.handlers) {
    if (handler.max_attempts) max_attempts.types[job_type] = *handler.max_attempts;
  }
  return max_attempts;
}

}  // namespace spawnq
