#include "metrics.hpp"

#include <fmt/format.h>

namespace spawnq {
namespace {

const std::vector<double> kDurationBuckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800};
const std::vector<double> kLatencyBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1};

double seconds(std::chrono::steady_clock::duration d) { return std::chrono::duration<double>(d).count(); }

std::int64_t now_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

void family(std::string& out, const char* name, const char* type, const char* help) {
  out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

std::string number(double value) {
  if (value == static_cast<double>(static_cast<std::int64_t>(value))) return fmt::format("{}", static_cast<std::int64_t>(value));
  return fmt::format("{}", value);
}

}  // namespace

std::string prometheus_label(const std::string& value) {
  std::string escaped;
  for (char c : value) {
    if (c == '\\') escaped += "\\\\";
    else if (c == '"') escaped += "\\\"";
    else if (c == '\n') escaped += "\\n";
    else escaped += c;
  }
  return escaped;
}

Histogram::Histogram(std::vector<double> bounds) : bounds_(std::move(bounds)), counts_(bounds_.size() + 1, 0) {}

void Histogram::observe(double value) {
  std::size_t i = 0;
  while (i < bounds_.size() && value > bounds_[i]) ++i;
  ++counts_[i];
  sum_ += value;
  ++count_;
}

void Histogram::render(std::string& out, const std::string& name, const std::string& labels) const {
  const std::string prefix = labels.empty() ? "" : labels + ",";
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < bounds_.size(); ++i) {
    cumulative += counts_[i];
    out += fmt::format("{}_bucket{{{}le=\"{}\"}} {}\n", name, prefix, number(bounds_[i]), cumulative);
  }
  out += fmt::format("{}_bucket{{{}le=\"+Inf\"}} {}\n", name, prefix, count_);
  const std::string braces = labels.empty() ? "" : "{" + labels + "}";
  out += fmt::format("{}_sum{} {}\n{}_count{} {}\n", name, braces, number(sum_), name, braces, count_);
}

Metrics::Queue::Queue() : duration(kDurationBuckets) {}

Metrics::Metrics(std::string version) : version_(std::move(version)), claim_latency_(kLatencyBuckets) {}

Metrics::Queue& Metrics::queue(const std::string& name) { return queues_[name]; }

void Metrics::configure_queue(const std::string& name, int max_workers) { queue(name).max_workers = max_workers; }

void Metrics::set_paused(const std::string& name, bool paused) { queue(name).paused = paused; }

void Metrics::claimed(const std::string& name, std::size_t jobs, std::chrono::steady_clock::duration latency) {
  queue(name).claimed += jobs;
  claim_latency_.observe(seconds(latency));
}

void Metrics::finished(const std::string& name, JobStatus next, std::chrono::steady_clock::duration elapsed) {
  Queue& q = queue(name);
  ++q.finished[next];
  q.duration.observe(seconds(elapsed));
  q.history.record(now_s(), next);
}

OutcomeHistory::Counts Metrics::recent(const std::string& name, std::int64_t window_s) const {
  const auto it = queues_.find(name);
  return it == queues_.end() ? OutcomeHistory::Counts{} : it->second.history.last(now_s(), window_s);
}

void Metrics::set_running(const std::string& name, std::size_t running) { queue(name).running = running; }

void Metrics::set_depth(const std::map<std::pair<std::string, JobStatus>, std::int64_t>& depth) { depth_ = depth; }

std::string Metrics::render() const {
  std::string out;
  family(out, "spawnq_build_info", "gauge", "The running spawnq version.");
  out += fmt::format("spawnq_build_info{{version=\"{}\"}} 1\n", prometheus_label(version_));
  family(out, "spawnq_database_up", "gauge", "1 when the daemon's database connection works.");
  out += fmt::format("spawnq_database_up {}\n", database_up_ ? 1 : 0);
  family(out, "spawnq_database_errors_total", "counter", "Database operations that failed.");
  out += fmt::format("spawnq_database_errors_total {}\n", database_errors_);

  family(out, "spawnq_jobs_claimed_total", "counter", "Jobs claimed by this daemon.");
  for (const auto& [name, q] : queues_) {
    out += fmt::format("spawnq_jobs_claimed_total{{queue=\"{}\"}} {}\n", prometheus_label(name), q.claimed);
  }
  family(out, "spawnq_jobs_finished_total", "counter", "Attempts finished by this daemon, by the job's next status.");
  for (const auto& [name, q] : queues_) {
    for (JobStatus status : {JobStatus::done, JobStatus::retry_wait, JobStatus::failed, JobStatus::dead,
                             JobStatus::cancelled}) {
      const auto it = q.finished.find(status);
      out += fmt::format("spawnq_jobs_finished_total{{queue=\"{}\",outcome=\"{}\"}} {}\n", prometheus_label(name),
                         to_string(status), it == q.finished.end() ? 0 : it->second);
    }
  }
  family(out, "spawnq_running_jobs", "gauge", "Children running now.");
  for (const auto& [name, q] : queues_) {
    out += fmt::format("spawnq_running_jobs{{queue=\"{}\"}} {}\n", prometheus_label(name), q.running);
  }
  family(out, "spawnq_max_workers", "gauge", "The queue's max_workers in this daemon.");
  for (const auto& [name, q] : queues_) {
    out += fmt::format("spawnq_max_workers{{queue=\"{}\"}} {}\n", prometheus_label(name), q.max_workers);
  }
  family(out, "spawnq_queue_paused", "gauge", "1 while an operator has paused the queue (spawnq pause).");
  for (const auto& [name, q] : queues_) {
    out += fmt::format("spawnq_queue_paused{{queue=\"{}\"}} {}\n", prometheus_label(name), q.paused ? 1 : 0);
  }
  family(out, "spawnq_queue_depth", "gauge", "Jobs in the database by queue and status (counted every few seconds).");
  for (const auto& [key, count] : depth_) {
    out += fmt::format("spawnq_queue_depth{{queue=\"{}\",status=\"{}\"}} {}\n", prometheus_label(key.first),
                       to_string(key.second), count);
  }
  family(out, "spawnq_job_duration_seconds", "histogram", "How long attempts ran, from spawn to exit.");
  for (const auto& [name, q] : queues_) {
    q.duration.render(out, "spawnq_job_duration_seconds", "queue=\"" + prometheus_label(name) + "\"");
  }
  family(out, "spawnq_claim_latency_seconds", "histogram", "Round trip of one claim statement.");
  claim_latency_.render(out, "spawnq_claim_latency_seconds", "");
  return out;
}

}  // namespace spawnq
