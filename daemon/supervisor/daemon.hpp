// Daemon is `spawnq work-all` / `work QUEUE`: a small composition of
// services on one event loop. It owns the loop, the signals, the database
// thread, the notification listener, the worker lease, one QueueCoordinator
// per served queue, the Maintenance duties (rescue, schedules, retention),
// and the Observers operators watch it through (HTTP routes, sd_notify,
// views such as the dashboard). Services start in the order of start() and stop in the
// reverse. SIGTERM, the first SIGINT or a view's quit begin the Drain; a
// second SIGINT stops running jobs at once. Everything but start-up and the
// database/listener threads runs on the loop.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include "common/service.hpp"
#include "config/config.hpp"
#include "daemon/cgroups/job_cgroups.hpp"
#include "daemon/database/db_executor.hpp"
#include "daemon/database/notification_listener.hpp"
#include "daemon/maintenance/maintenance.hpp"
#include "daemon/observe/metrics.hpp"
#include "drain.hpp"
#include "observers.hpp"
#include "outcome_writer.hpp"
#include "queue_set.hpp"
#include "worker_lease.hpp"

namespace spawnq {

class Daemon {
 public:
  // A view of the running daemon (the --show=tui dashboard): made on the
  // daemon's loop, reading its snapshot and metrics; `drain` ends the daemon.
  using ViewFactory = std::function<std::unique_ptr<Service>(
      boost::asio::io_context& loop, std::function<DaemonSnapshot()> snapshot, const Metrics& metrics,
      std::function<void()> drain)>;

  // `queues`: the queues this daemon serves, settings resolved.
  Daemon(Config config, std::vector<QueueConfig> queues, std::string runner);
  ~Daemon();

  void add_view(const ViewFactory& make);  // before run()
  // Runs until drained; returns the exit code (0 when every outcome was written).
  int run();

 private:
  void start();
  void on_signal(int signal);
  void watch_signals();
  void start_listener();
  void on_registered(WorkerId worker, bool first);
  void stop_jobs();
  void stop(int exit_code);
  DaemonSnapshot snapshot() const;
  std::string render_metrics();

  const Config config_;
  const std::string runner_;
  const std::vector<std::string> base_environment_;  // the daemon's own, SPAWNQ_*/PG* removed
  Metrics metrics_;
  boost::asio::io_context loop_;
  std::unique_ptr<JobCgroups> cgroups_;  // none: jobs run without cgroups
  boost::asio::signal_set signals_;
  DbExecutor db_;          // claims, heartbeats, maintenance, what operators ask
  // Outcome writes on a connection of their own: a claim never waits behind
  // a batch of them, nor they behind a claim (bench/README.md, the drain).
  // The depth counts of /metrics go there too: they read the whole table,
  // 0.1 s on a million rows, and an idle claim behind one waited as long;
  // outcomes behind one wait and go in the next batch.
  DbExecutor outcome_db_;
  OutcomeWriter outcomes_;
  QueueSet queues_;
  NotificationListener listener_;
  WorkerLease lease_;
  Maintenance maintenance_;
  Observers observers_;
  Drain drain_;
  std::vector<std::function<void()>> stops_;  // pushed as each service starts, run in reverse
  int exit_code_ = 0;
};

}  // namespace spawnq
