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
  QueueConfig queue;
  queue.name = name;
  queue.max_workers = default_max_workers;
  queue.timeout = default_timeout;
  queue.max_attempts = default_max_attempts;
  queue.backoff = backoff;
  return queue;
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
