// The console's overview of the cluster: every queue with its running and
// maximum workers across all live daemons, counts by status, oldest pending
// age, paused or not, and what finished per minute over the last hour; and
// the daemons. build_overview() is pure; OverviewPoller reads the database
// once every interval for the whole server, however many browsers watch.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/job_admin.hpp"
#include "common/job_search.hpp"

namespace spawnq {

inline constexpr int kChartMinutes = 60;

struct QueueOverview {
  std::string queue;
  std::map<JobStatus, std::int64_t> counts;
  std::optional<double> oldest_pending_age_s;
  std::int64_t running = 0;
  // Summed over the daemons that serve the queue and are neither draining
  // nor declared dead; nullopt when none of them said (older versions).
  std::optional<int> max_workers;
  int daemons = 0;
  // How those daemons share it between job groups; `shares_differ` when
  // they do not all say the same (each claims by its own config).
  QueueShares shares;
  bool shares_differ = false;
  bool paused = false;
  // Index 0 is kChartMinutes - 1 minutes ago, the last the current minute.
  std::vector<std::int64_t> done_per_minute = std::vector<std::int64_t>(kChartMinutes);
  std::vector<std::int64_t> failed_per_minute = std::vector<std::int64_t>(kChartMinutes);
};

struct Overview {
  std::vector<QueueOverview> queues;  // by name
  std::vector<WorkerLine> daemons;
  std::vector<std::int64_t> done_per_minute = std::vector<std::int64_t>(kChartMinutes);    // every queue
  std::vector<std::int64_t> failed_per_minute = std::vector<std::int64_t>(kChartMinutes);
  std::string read_at;  // ISO 8601, UTC, by this host's clock
};

struct OverviewInputs {
  std::vector<QueueStats> stats;
  std::vector<WorkerLine> workers;
  std::vector<std::string> paused;
  std::vector<FinishedMinute> finished;
  std::chrono::milliseconds stuck_job_timeout{};
};

Overview build_overview(const OverviewInputs& inputs);

class JobStore;

// One read of everything the overview needs, through the store's statements.
OverviewInputs read_overview_inputs(JobStore& store, std::chrono::milliseconds stuck_job_timeout);

// Reads the overview every `interval` (or three reads' time, if longer) on
// its own thread and keeps the newest; a failed read keeps the previous one
// and says why. The thread ends with it.
class OverviewPoller {
 public:
  using Read = std::function<OverviewInputs()>;

  OverviewPoller(Read read, std::chrono::milliseconds interval);
  ~OverviewPoller();
  OverviewPoller(const OverviewPoller&) = delete;
  OverviewPoller& operator=(const OverviewPoller&) = delete;

  struct Snapshot {
    std::shared_ptr<const Overview> overview;  // null until the first read succeeded
    std::optional<std::string> error;          // the newest read's failure, if it failed
  };
  Snapshot latest() const;

  // Asks for a read now and waits, at most `limit`, for one that began after
  // the call: what an action does before its page is shown again.
  void refresh(std::chrono::milliseconds limit);

 private:
  void run();

  Read read_;
  const std::chrono::milliseconds interval_;
  mutable std::mutex mutex_;
  std::condition_variable stop_requested_;
  bool stopping_ = false;
  bool refresh_requested_ = false;
  std::uint64_t reads_started_ = 0;
  std::uint64_t reads_finished_ = 0;
  std::condition_variable read_finished_;
  Snapshot latest_;
  std::thread thread_;  // last: starts once the rest is ready
};

}  // namespace spawnq
