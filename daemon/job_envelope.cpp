#include "job_envelope.hpp"

#include "common/envelope.hpp"

namespace spawnq {

std::chrono::milliseconds job_timeout(const QueueConfig& queue, const Config& config,
                                      const std::string& job_type) {
  const auto handler = config.handlers.find(job_type);
  if (handler != config.handlers.end() && handler->second.timeout) return *handler->second.timeout;
  return queue.timeout;
}

std::string build_envelope(const ClaimedJob& job, const QueueConfig& queue, const Config& config) {
  Envelope envelope;
  envelope.id = job.id;
  envelope.queue = job.queue;
  envelope.job_type = job.job_type;
  envelope.attempt = job.attempt;
  envelope.max_attempts = job.max_attempts;
  envelope.timeout_s = to_seconds(job_timeout(queue, config, job.job_type));
  if (const auto handler = config.handlers.find(job.job_type); handler != config.handlers.end()) {
    envelope.command = CommandSpec{handler->second.argv, handler->second.env, handler->second.working_dir};
  }
  return format_envelope(envelope, job.payload);
}

}  // namespace spawnq
