// SuperCoordinator is the daemon (`work-all`, `work QUEUE`): it owns the
// io_context, the signals, the database thread, the notification listener,
// and one QueueCoordinator per served queue. It registers the daemon in
// spawnq.workers, heartbeats, and on SIGTERM/SIGINT drains as SPEC §6 says:
// stop claiming, wait shutdown_timeout for running jobs, then SIGTERM them and
// SIGKILL after sigterm_grace, write every outcome, and exit. A daemon that
// loses the database for longer than stuck_job_timeout, or finds that others
// declared it dead, stops its children: their jobs may already run elsewhere.
// Everything but start-up and the database/listener threads runs on the loop.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include "config/config.hpp"
#include "db_executor.hpp"
#include "outcome_writer.hpp"
#include "notification_listener.hpp"
#include "job_cgroups.hpp"
#include "queue_coordinator.hpp"
#include "daemon_snapshot.hpp"
#include "dashboard.hpp"
#include "http_server.hpp"
#include "metrics.hpp"
#include "service_notifier.hpp"
#include "retention_sweeper.hpp"
#include "scheduler.hpp"
#include "stuck_job_resolver.hpp"

namespace spawnq {

class SuperCoordinator {
 public:
  // `queues`: the queues this daemon serves, settings resolved.
  // `dashboard`: draw the --show=tui view on the terminal instead of log lines.
  SuperCoordinator(Config config, std::vector<QueueConfig> queues, std::string runner, bool dashboard = false);
  ~SuperCoordinator();

  // Runs until drained; returns the exit code (0 when every outcome was written).
  int run();

 private:
  void start();
  void register_worker();
  void heartbeat();
  void declared_dead();
  void apply_paused(const std::vector<std::string>& paused);
  void watch_database_contact();
  void on_signal(int signal);
  void begin_drain();
  void interrupt_children();
  void check_drained();
  void finish(int exit_code);
  std::size_t running() const;
  void watch_signals();
  void count_queues();
  DaemonSnapshot snapshot() const;
  void start_http();

  Config config_;
  Metrics metrics_;
  std::string runner_;
  std::vector<std::string> base_environment_;
  boost::asio::io_context loop_;
  std::unique_ptr<JobCgroups> cgroups_;  // none: jobs run without cgroups
  boost::asio::signal_set signals_;
  DbExecutor db_;
  OutcomeWriter outcomes_;
  std::unique_ptr<NotificationListener> listener_;
  std::vector<std::unique_ptr<QueueCoordinator>> coordinators_;
  WorkerIdentity identity_;
  StuckJobResolver resolver_;
  Scheduler scheduler_;
  RetentionSweeper sweeper_;
  ServiceNotifier notifier_;
  std::optional<WorkerId> worker_;
  bool coordinators_started_ = false;
  bool cut_off_ = false;  // no database contact for longer than stuck_job_timeout
  boost::asio::steady_timer contact_timer_;
  boost::asio::steady_timer count_timer_;
  std::map<std::pair<std::string, JobStatus>, std::int64_t> depth_;
  std::unique_ptr<HttpServer> http_;
  std::unique_ptr<Dashboard> dashboard_;
  boost::asio::steady_timer heartbeat_timer_;
  boost::asio::steady_timer shutdown_timer_;
  boost::asio::steady_timer drain_check_timer_;
  bool draining_ = false;
  bool interrupted_ = false;
  int interrupts_seen_ = 0;
  std::chrono::steady_clock::time_point children_gone_at_{};
  std::chrono::steady_clock::time_point last_drain_report_{};
  int exit_code_ = 0;
};

}  // namespace spawnq
