#include "metrics.hpp"

#include <prometheus/text_serializer.h>

namespace spawnq {
namespace {

const prometheus::Histogram::BucketBoundaries kDurationBuckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
                                                                  2.5,   5,    10,    30,   60,  300,  1800};
const prometheus::Histogram::BucketBoundaries kLatencyBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01,
                                                                 0.025,  0.05,  0.1,    0.25,  1};
const prometheus::Histogram::BucketBoundaries kSpawnBuckets = {0.00005, 0.0001, 0.00025, 0.0005, 0.001,
                                                               0.0025,  0.005,  0.01,    0.1};
constexpr JobStatus kOutcomes[] = {JobStatus::done, JobStatus::retry_wait, JobStatus::failed, JobStatus::dead,
                                   JobStatus::cancelled};

double seconds(std::chrono::steady_clock::duration d) { return std::chrono::duration<double>(d).count(); }

std::int64_t now_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

template <typename Builder>
auto& family(Builder builder, const char* name, const char* help, prometheus::Registry& registry) {
  return builder.Name(name).Help(help).Register(registry);
}

}  // namespace

Metrics::Metrics(const std::string& version)
    : registry_(std::make_shared<prometheus::Registry>()),
      database_up_(family(prometheus::BuildGauge(), "spawnq_database_up",
                          "1 when the daemon's database connection works.", *registry_)
                       .Add({})),
      database_errors_(family(prometheus::BuildCounter(), "spawnq_database_errors_total",
                              "Database operations that failed.", *registry_)
                           .Add({})),
      claimed_(family(prometheus::BuildCounter(), "spawnq_jobs_claimed_total", "Jobs claimed by this daemon.",
                      *registry_)),
      finished_(family(prometheus::BuildCounter(), "spawnq_jobs_finished_total",
                       "Attempts finished by this daemon, by the job's next status.", *registry_)),
      running_(family(prometheus::BuildGauge(), "spawnq_running_jobs", "Children running now.", *registry_)),
      max_workers_(family(prometheus::BuildGauge(), "spawnq_max_workers", "The queue's max_workers in this daemon.",
                          *registry_)),
      paused_(family(prometheus::BuildGauge(), "spawnq_queue_paused",
                     "1 while an operator has paused the queue (spawnq pause).", *registry_)),
      depth_(family(prometheus::BuildGauge(), "spawnq_queue_depth",
                    "Jobs in the database by queue and status (counted every few seconds).", *registry_)),
      duration_(family(prometheus::BuildHistogram(), "spawnq_job_duration_seconds",
                       "How long attempts ran, from spawn to exit.", *registry_)),
      spawn_(family(prometheus::BuildHistogram(), "spawnq_spawn_seconds",
                    "Event-loop time to start one job-runner (cgroup, pipes, spawn).", *registry_)),
      slot_refill_(family(prometheus::BuildHistogram(), "spawnq_slot_refill_seconds",
                          "How long a slot freed by an exit waited for its next job.", *registry_)),
      claim_latency_(family(prometheus::BuildHistogram(), "spawnq_claim_latency_seconds",
                            "Round trip of one claim statement.", *registry_)
                         .Add({}, kLatencyBuckets)),
      claim_wait_(family(prometheus::BuildHistogram(), "spawnq_claim_wait_seconds",
                         "How long a claim waited behind other work for its database connection.", *registry_)
                      .Add({}, kLatencyBuckets)),
      outcome_latency_(family(prometheus::BuildHistogram(), "spawnq_outcome_latency_seconds",
                              "From a child's exit to its outcome committed.", *registry_)
                           .Add({}, kLatencyBuckets)) {
  family(prometheus::BuildGauge(), "spawnq_build_info", "The running spawnq version.", *registry_)
      .Add({{"version", version}})
      .Set(1);
}

Metrics::Queue& Metrics::queue(const std::string& name) {
  if (const auto it = queues_.find(name); it != queues_.end()) return it->second;
  const prometheus::Labels labels{{"queue", name}};
  Queue q{&claimed_.Add(labels), {}, &running_.Add(labels), &max_workers_.Add(labels), &paused_.Add(labels),
          &duration_.Add(labels, kDurationBuckets), &spawn_.Add(labels, kSpawnBuckets),
          &slot_refill_.Add(labels, kLatencyBuckets), OutcomeHistory{}};
  for (JobStatus status : kOutcomes) {
    q.finished[status] = &finished_.Add(prometheus::Labels{{"queue", name}, {"outcome", std::string(to_string(status))}});
  }
  return queues_.emplace(name, std::move(q)).first->second;
}

void Metrics::configure_queue(const std::string& name, int max_workers) {
  queue(name).max_workers->Set(max_workers);
}

void Metrics::set_paused(const std::string& name, bool paused) { queue(name).paused->Set(paused ? 1 : 0); }

void Metrics::claimed(const std::string& name, std::size_t jobs, std::chrono::steady_clock::duration waited,
                      std::chrono::steady_clock::duration latency) {
  queue(name).claimed->Increment(static_cast<double>(jobs));
  claim_wait_.Observe(seconds(waited));
  claim_latency_.Observe(seconds(latency));
}

void Metrics::spawned(const std::string& name, std::chrono::steady_clock::duration took) {
  queue(name).spawn->Observe(seconds(took));
}

void Metrics::slot_refilled(const std::string& name, std::chrono::steady_clock::duration idle) {
  queue(name).slot_refill->Observe(seconds(idle));
}

void Metrics::recorded(std::chrono::steady_clock::duration since_exit) { outcome_latency_.Observe(seconds(since_exit)); }

void Metrics::finished(const std::string& name, JobStatus next, std::chrono::steady_clock::duration elapsed) {
  Queue& q = queue(name);
  if (const auto it = q.finished.find(next); it != q.finished.end()) it->second->Increment();
  q.duration->Observe(seconds(elapsed));
  q.history.record(now_s(), next);
}

OutcomeHistory::Counts Metrics::recent(const std::string& name, std::int64_t window_s) const {
  const auto it = queues_.find(name);
  return it == queues_.end() ? OutcomeHistory::Counts{} : it->second.history.last(now_s(), window_s);
}

void Metrics::set_running(const std::string& name, std::size_t running) {
  queue(name).running->Set(static_cast<double>(running));
}

void Metrics::set_database_errors(std::uint64_t errors) {
  // The executor keeps the running total; the counter follows it.
  database_errors_.Increment(static_cast<double>(errors) - database_errors_.Value());
}

// A count that no longer appears (a queue emptied of a status) disappears
// from /metrics too, as it did from the table.
void Metrics::set_depth(const std::map<std::pair<std::string, JobStatus>, std::int64_t>& depth) {
  for (auto it = depth_gauges_.begin(); it != depth_gauges_.end();) {
    if (depth.count(it->first)) {
      ++it;
    } else {
      depth_.Remove(it->second);
      it = depth_gauges_.erase(it);
    }
  }
  for (const auto& [key, count] : depth) {
    auto [it, added] = depth_gauges_.emplace(key, nullptr);
    if (added) it->second = &depth_.Add(prometheus::Labels{{"queue", key.first}, {"status", std::string(to_string(key.second))}});
    it->second->Set(static_cast<double>(count));
  }
}

std::string Metrics::render() const { return prometheus::TextSerializer().Serialize(registry_->Collect()); }

}  // namespace spawnq
