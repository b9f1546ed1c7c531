// Metrics holds the daemon's counters, gauges and histograms and renders them
// in the Prometheus text format (version 0.0.4) for GET /metrics. Values are
// recorded by the coordinators as events happen; queue depths come from a
// periodic count in the database. Event-loop thread only; no I/O here.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/job.hpp"
#include "outcome_history.hpp"

namespace spawnq {

class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);
  void observe(double value);
  // Appends the _bucket, _sum and _count samples of `name` with `labels`.
  void render(std::string& out, const std::string& name, const std::string& labels) const;

 private:
  std::vector<double> bounds_;
  std::vector<std::uint64_t> counts_;  // per bucket, not cumulative
  double sum_ = 0;
  std::uint64_t count_ = 0;
};

class Metrics {
 public:
  explicit Metrics(std::string version);

  void configure_queue(const std::string& queue, int max_workers);
  void claimed(const std::string& queue, std::size_t jobs, std::chrono::steady_clock::duration latency);
  void finished(const std::string& queue, JobStatus next, std::chrono::steady_clock::duration elapsed);
  void set_running(const std::string& queue, std::size_t running);
  void set_paused(const std::string& queue, bool paused);
  void set_depth(const std::map<std::pair<std::string, JobStatus>, std::int64_t>& depth);
  void set_database_errors(std::uint64_t errors) { database_errors_ = errors; }
  void set_database_up(bool up) { database_up_ = up; }

  std::string render() const;
  // Attempts finished in `queue` over the last `window_s` seconds (at most an hour).
  OutcomeHistory::Counts recent(const std::string& queue, std::int64_t window_s) const;

 private:
  struct Queue {
    int max_workers = 0;
    bool paused = false;
    std::size_t running = 0;
    std::uint64_t claimed = 0;
    std::map<JobStatus, std::uint64_t> finished;
    Histogram duration;
    OutcomeHistory history;
    Queue();
  };
  Queue& queue(const std::string& name);

  std::string version_;
  std::map<std::string, Queue> queues_;
  Histogram claim_latency_;
  std::map<std::pair<std::string, JobStatus>, std::int64_t> depth_;
  std::uint64_t database_errors_ = 0;
  bool database_up_ = false;
};

// `value` escaped for a Prometheus label: backslash, quote and newline.
std::string prometheus_label(const std::string& value);

}  // namespace spawnq
