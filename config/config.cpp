#include "config.hpp"

namespace spawnq {

const QueueConfig* Config::find_queue(const std::string& name) const {
  for (const QueueConfig& queue : queues) {
    if (queue.name == name) return &queue;
  }
  return nullptr;
}

QueueConfig Config::settings_for(const std::string& name) const {
  if (const QueueConfig* queue = find_queue(name)) return *queue;
  return QueueConfig{name, default_max_workers, default_timeout, default_max_attempts, backoff, {}, {}, {}};
}

EnqueueRequest scheduled_job(const ScheduleConfig& schedule) {
  EnqueueRequest job;
  job.job_type = schedule.job_type;
  job.queue = schedule.queue;
  job.payload_json = schedule.payload_json;
  job.priority = schedule.priority;
  job.max_attempts = schedule.max_attempts;
  return job;
}

}  // namespace spawnq
