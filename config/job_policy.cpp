#include "job_policy.hpp"

#include "common/enum_names.hpp"

namespace spawnq {
namespace {

constexpr EnumNames<PolicyLevel, 4> kLevelNames = {{{
    {PolicyLevel::job, "job"},
    {PolicyLevel::handler, "handler"},
    {PolicyLevel::queue, "queue"},
    {PolicyLevel::global, "default"},
}}};

const HandlerConfig* handler_of(const Config& config, const std::string& job_type) {
  const auto handler = config.handlers.find(job_type);
  return handler == config.handlers.end() ? nullptr : &handler->second;
}

// The handler's value if it has one, else the queue's, which is the global
// default unless the queue's own entry set it.
template <typename T>
Resolved<T> first_of(const std::optional<T>* handler, const T& queue, bool queue_set) {
  if (handler && *handler) return {**handler, PolicyLevel::handler};
  return {queue, queue_set ? PolicyLevel::queue : PolicyLevel::global};
}

}  // namespace

std::string_view to_string(PolicyLevel level) { return kLevelNames.name(level); }

Resolved<int> max_attempts_for(const Config& config, const QueueConfig& queue, const std::string& job_type) {
  const HandlerConfig* handler = handler_of(config, job_type);
  return first_of(handler ? &handler->max_attempts : nullptr, queue.max_attempts, queue.own.max_attempts);
}

Resolved<std::vector<Duration>> backoff_for(const Config& config, const QueueConfig& queue,
                                            const std::string& job_type) {
  const HandlerConfig* handler = handler_of(config, job_type);
  return first_of(handler ? &handler->backoff : nullptr, queue.backoff, queue.own.backoff);
}

Resolved<Duration> timeout_for(const Config& config, const QueueConfig& queue, const std::string& job_type) {
  const HandlerConfig* handler = handler_of(config, job_type);
  return first_of(handler ? &handler->timeout : nullptr, queue.timeout, queue.own.timeout);
}

}  // namespace spawnq
