// Metrics holds the daemon's counters, gauges and histograms on a
// prometheus-cpp registry and renders them in the Prometheus text format
// (version 0.0.4) for GET /metrics (docs/SPEC.md §8). Values are recorded by
// the coordinators as events happen; queue depths come from a periodic count
// in the database. It also keeps the per-second outcome history the
// dashboard draws. Event-loop thread only; no I/O here.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include "common/job.hpp"
#include "outcome_history.hpp"

namespace spawnq {

class Metrics {
 public:
  explicit Metrics(const std::string& version);

  void configure_queue(const std::string& queue, int max_workers);
  // `waited`: how long the claim stood behind other work for the database
  // thread; `latency`: from asking to the answer on the loop, `waited` included.
  void claimed(const std::string& queue, std::size_t jobs, std::chrono::steady_clock::duration waited,
               std::chrono::steady_clock::duration latency);
  void spawned(const std::string& queue, std::chrono::steady_clock::duration took);
  // A freed slot took `idle` to get its next job (exit to the next spawn).
  void slot_refilled(const std::string& queue, std::chrono::steady_clock::duration idle);
  void recorded(std::chrono::steady_clock::duration since_exit);  // an outcome committed
  void finished(const std::string& queue, JobStatus next, std::chrono::steady_clock::duration elapsed);
  void set_running(const std::string& queue, std::size_t running);
  void set_paused(const std::string& queue, bool paused);
  void set_depth(const std::map<std::pair<std::string, JobStatus>, std::int64_t>& depth);
  void set_database_errors(std::uint64_t errors);
  void set_database_up(bool up) { database_up_.Set(up ? 1 : 0); }

  std::string render() const;
  // Attempts finished in `queue` over the last `window_s` seconds (at most an hour).
  OutcomeHistory::Counts recent(const std::string& queue, std::int64_t window_s) const;

 private:
  struct Queue {
    prometheus::Counter* claimed;
    std::map<JobStatus, prometheus::Counter*> finished;
    prometheus::Gauge* running;
    prometheus::Gauge* max_workers;
    prometheus::Gauge* paused;
    prometheus::Histogram* duration;
    prometheus::Histogram* spawn;
    prometheus::Histogram* slot_refill;
    OutcomeHistory history;
  };
  Queue& queue(const std::string& name);

  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Gauge& database_up_;
  prometheus::Counter& database_errors_;
  prometheus::Family<prometheus::Counter>& claimed_;
  prometheus::Family<prometheus::Counter>& finished_;
  prometheus::Family<prometheus::Gauge>& running_;
  prometheus::Family<prometheus::Gauge>& max_workers_;
  prometheus::Family<prometheus::Gauge>& paused_;
  prometheus::Family<prometheus::Gauge>& depth_;
  prometheus::Family<prometheus::Histogram>& duration_;
  prometheus::Family<prometheus::Histogram>& spawn_;
  prometheus::Family<prometheus::Histogram>& slot_refill_;
  prometheus::Histogram& claim_latency_;
  prometheus::Histogram& claim_wait_;
  prometheus::Histogram& outcome_latency_;
  std::map<std::string, Queue> queues_;
  std::map<std::pair<std::string, JobStatus>, prometheus::Gauge*> depth_gauges_;
};

}  // namespace spawnq
