#include "job_envelope.hpp"

#include "common/envelope.hpp"

namespace spawnq {

std::chrono::milliseconds job_timeout(const QueueConfig& queue, const Config& config,
                                      const std::string& job_type) {
  const auto handler = config.handlers.find(job_type);
  if (handler != config.handlers.end() && handler->second.timeout) return *handler->second.timeout;
  return queue.timeout;
}

JobLimits merged_limits(const JobLimits& queue, const JobLimits& handler) {
  JobLimits limits = queue;
  if (handler.memory_bytes) limits.memory_bytes = handler.memory_bytes;
  if (handler.cpu_time_s) limits.cpu_time_s = handler.cpu_time_s;
  if (handler.open_files) limits.open_files = handler.open_files;
  if (handler.processes) limits.processes = handler.processes;
  if (handler.core_bytes) limits.core_bytes = handler.core_bytes;
  return limits;
}

JobLimits job_limits(const QueueConfig& queue, const Config& config, const std::string& job_type) {
  const auto handler = config.handlers.find(job_type);
  return handler == config.handlers.end() ? queue.limits : merged_limits(queue.limits, handler->second.limits);
}

std::string build_envelope(const ClaimedJob& job, const QueueConfig& queue, const Config& config) {
  Envelope envelope;
  envelope.id = job.id;
  envelope.queue = job.queue;
  envelope.job_type = job.job_type;
  envelope.attempt = job.attempt;
  envelope.max_attempts = job.max_attempts;
  envelope.timeout_s = to_seconds(job_timeout(queue, config, job.job_type));
  envelope.limits = job_limits(queue, config, job.job_type);
  if (const auto handler = config.handlers.find(job.job_type); handler != config.handlers.end()) {
    const HandlerConfig& h = handler->second;
    if (!h.argv.empty()) envelope.command = CommandSpec{h.argv, h.env, h.working_dir};
    envelope.run_as = h.run_as;
  }
  return format_envelope(envelope, job.payload);
}

}  // namespace spawnq
