#include "job_plan.hpp"

#include "common/envelope.hpp"
#include "common/resource_limits.hpp"
#include "config/job_policy.hpp"

namespace spawnq {
namespace {

const HandlerConfig* handler_for(const Config& config, const std::string& job_type) {
  const auto handler = config.handlers.find(job_type);
  return handler == config.handlers.end() ? nullptr : &handler->second;
}

Envelope envelope_of(const ClaimedJob& job, const JobPlan& plan, const HandlerConfig* handler) {
  Envelope envelope;
  envelope.id = job.id;
  envelope.queue = job.queue;
  envelope.job_type = job.job_type;
  envelope.attempt = job.attempt;
  envelope.max_attempts = job.max_attempts;
  envelope.timeout_s = to_seconds(plan.timeout);
  envelope.limits = plan.limits;
  if (handler) {
    if (!handler->argv.empty()) envelope.command = CommandSpec{handler->argv, handler->env, handler->working_dir};
    envelope.run_as = handler->run_as;
  }
  return envelope;
}

std::string envelope_text(const ClaimedJob& job, const JobPlan& plan, const HandlerConfig* handler) {
  return format_envelope(envelope_of(job, plan, handler), job.payload);
}

// The plan's policy: time limit, backoff, limits.
JobPlan policy_of(const ClaimedJob& job, const QueueConfig& queue, const Config& config,
                  const HandlerConfig* handler) {
  JobPlan plan;
  plan.timeout = timeout_for(config, queue, job.job_type).value;
  plan.backoff = backoff_for(config, queue, job.job_type).value;
  plan.limits = handler ? merged_limits(queue.limits, handler->limits) : queue.limits;
  return plan;
}

}  // namespace

JobLimits merged_limits(const JobLimits& queue, const JobLimits& handler) {
  JobLimits limits = queue;
  if (handler.memory_bytes) limits.memory_bytes = handler.memory_bytes;
  if (handler.cpu_time_s) limits.cpu_time_s = handler.cpu_time_s;
  if (handler.open_files) limits.open_files = handler.open_files;
  if (handler.processes) limits.processes = handler.processes;
  if (handler.core_bytes) limits.core_bytes = handler.core_bytes;
  return limits;
}

JobPlan plan_job(const ClaimedJob& job, const QueueConfig& queue, const Config& config,
                 const std::vector<std::string>& base_environment, long daemon_pid) {
  const HandlerConfig* handler = handler_for(config, job.job_type);
  JobPlan plan = policy_of(job, queue, config, handler);
  plan.environment = job_environment(base_environment, job.id, job.queue, job.job_type, job.attempt, daemon_pid);
  if (handler && !handler->argv.empty()) {
    if (!handler->env.empty()) plan.environment = command_environment(plan.environment, handler->env);
    plan.command = DirectCommand{handler->argv, job.payload,
                                 CommandSetup{resource_limits(plan.limits), handler->run_as, handler->working_dir,
                                              static_cast<pid_t>(daemon_pid)}};
  }
  // Only a runner reads an envelope: a command the daemon execs itself needs none.
  if (!plan.command || !kSpawnsDetached) plan.envelope = envelope_text(job, plan, handler);
  return plan;
}

std::string build_envelope(const ClaimedJob& job, const QueueConfig& queue, const Config& config) {
  const HandlerConfig* handler = handler_for(config, job.job_type);
  return envelope_text(job, policy_of(job, queue, config, handler), handler);
}

}  // namespace spawnq
