// QueueCoordinator runs one queue: it asks the database for as many jobs as it
// has free slots, starts a ChildProcess for each, and records each outcome.
// A freed slot claims again at once; a notification or the poll timer wakes
// it when idle. It never runs more than max_workers children. It lives on the
// event loop thread and is never called from anywhere else.
#pragma once

#include <chrono>
#include <deque>
#include <map>
#include <set>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "daemon/process/child_process.hpp"
#include "claim_limits.hpp"
#include "job_plan.hpp"
#include "config/config.hpp"
#include "daemon/database/db_executor.hpp"
#include "daemon/cgroups/job_cgroups.hpp"
#include "daemon/observe/daemon_snapshot.hpp"
#include "daemon/observe/metrics.hpp"
#include "claim_health.hpp"
#include "outcome_writer.hpp"

namespace spawnq {

class QueueCoordinator {
 public:
  struct Settings {
    QueueConfig queue;
    const Config* config = nullptr;             // handlers, poll interval, grace
    std::string runner;                         // the job-runner to exec
    const std::vector<std::string>* base_environment = nullptr;  // SPAWNQ_*/PG* removed
    Metrics* metrics = nullptr;
    JobCgroups* cgroups = nullptr;              // none: jobs run without cgroups
  };

  QueueCoordinator(boost::asio::io_context& loop, DbExecutor& db, OutcomeWriter& outcomes, Settings settings);

  void start(WorkerId worker);
  void set_worker(WorkerId worker) { worker_ = worker; }  // after registering anew
  void wake();                   // a job may be waiting
  void drain();                  // claim nothing more; running jobs go on
  // An operator paused (or resumed) the queue: claims are refused by the
  // database anyway; this spares asking, and resuming claims at once.
  void set_paused(bool paused);
  bool paused() const { return paused_; }
  void interrupt(std::chrono::milliseconds grace);  // stop running jobs: SIGTERM, then SIGKILL
  void database_back();          // after an outage: make sure of our claims, then claim
  bool cancel(JobId id);         // stop a running job that was cancelled; false if not ours

  const std::string& name() const { return settings_.queue.name; }
  std::size_t running() const { return running_.size(); }
  int max_workers() const { return settings_.queue.max_workers; }
  std::vector<RunningJob> running_jobs() const;
  bool idle() const { return running_.empty() && !claim_in_flight_ && unwritten_.empty(); }
  const ClaimHealth& claim_health() const { return claim_health_; }

 private:
  struct Running {
    ClaimedJob job;
    JobPlan plan;     // worked out once, at the claim
    WorkerId worker;  // the claim's: outcomes are fenced by it
    bool cancelling = false;
    std::shared_ptr<ChildProcess> child;  // holds the job's cgroup lease
    std::unique_ptr<boost::asio::steady_timer> progress_timer;
    std::optional<ProgressLine> unsent_progress;
    std::optional<double> progress;  // the newest reported
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  };

  void claim();
  void on_claimed(std::size_t asked, std::vector<ClaimedJob> jobs);
  void start_job(const ClaimedJob& job);
  void refuse_start(const ClaimedJob& job, const std::string& why);
  std::shared_ptr<ChildProcess> make_child(const ClaimedJob& job);
  void on_exit(JobId id, const ChildProcess::Exit& exit);
  void record(const ClaimedJob& job, WorkerId worker, const Decision& decision,
              const ChildProcess::Exit* exit, std::optional<int> pid);
  void on_progress(JobId id, const ProgressLine& progress);
  void send_progress(JobId id);
  void arm_poll();

  boost::asio::io_context& loop_;
  DbExecutor& db_;
  OutcomeWriter& outcomes_;
  const Settings settings_;
  const ClaimLimits limits_;  // enforced by every claim, across daemons
  const MaxAttempts max_attempts_;  // filled in by every claim
  WorkerId worker_ = 0;
  std::map<JobId, Running> running_;
  bool started_ = false;
  bool draining_ = false;
  bool paused_ = false;
  bool claim_in_flight_ = false;
  bool claim_again_ = false;
  bool must_reconcile_ = false;
  ClaimHealth claim_health_;
  // Jobs whose outcome is handed to outcomes_ but not yet written: they are
  // ours until it is, so a reconcile after an outage must not give them back.
  std::set<JobId> unwritten_;
  // When each slot freed by an exit since the last claim came up short was
  // freed, oldest first: the next spawn measures how long one stood idle.
  std::deque<std::chrono::steady_clock::time_point> freed_;
  boost::asio::steady_timer poll_timer_;
};

}  // namespace spawnq
