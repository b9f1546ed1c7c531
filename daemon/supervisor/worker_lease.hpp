// WorkerLease is this daemon's row in spawnq.workers, held the way River
// holds a leader's lease: it registers, heartbeats every heartbeat_interval,
// notices when another daemon declared it dead (its row is gone), and
// watches how long the database has been out of reach. Either loss means our
// jobs may already run elsewhere, so it tells the daemon to stop its
// children (on_lost); after a declared death it registers anew. At the end
// of a drain it gives the row back. Event loop only.
//
// States: unregistered → registering → held → (declared dead) registering
// → … → released. The database contact watch runs beside them.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "config/config.hpp"
#include "daemon/database/db_executor.hpp"

namespace spawnq {

// Pure: what an operator can do about a registration refused with this
// SQLSTATE — migrate a missing schema, declare a transaction pooler — or
// nothing to add ("").
std::string registration_advice(const std::string& sqlstate);

class WorkerLease {
 public:
  struct Callbacks {
    // The row is ours: `first` on the first registration, else after a
    // declared death.
    std::function<void(WorkerId worker, bool first)> registered;
    // Not an outage (those are waited out): the database said no. `why`
    // is its error with what an operator can do about it.
    std::function<void(const std::string& why)> refused;
    // Our jobs may run elsewhere now: stop them. `why` is for the log.
    std::function<void(const std::string& why)> lost;
    std::function<void(const HeartbeatResult&)> heartbeat;  // cancels and pauses a notification missed
  };

  WorkerLease(boost::asio::io_context& loop, DbExecutor& db, const Config& config, WorkerIdentity identity,
              std::vector<std::string> queues, Callbacks callbacks);

  void start();
  void stop();  // safe twice and before start()
  // Notes in our row that the daemon drains (for `spawnq workers`); best effort.
  void draining();
  // Removes our row (the drain is over), then `done`, also if that failed.
  void release(std::function<void()> done);

  std::optional<WorkerId> worker() const { return worker_; }
  const WorkerIdentity& identity() const { return identity_; }

 private:
  void register_worker();
  void heartbeat();
  void declared_dead();
  void watch_contact();

  boost::asio::io_context& loop_;
  DbExecutor& db_;
  const Config& config_;
  const WorkerIdentity identity_;
  const std::vector<std::string> queues_;
  Callbacks callbacks_;
  std::optional<WorkerId> worker_;
  bool registered_once_ = false;
  bool released_ = false;
  bool cut_off_ = false;  // no database contact for longer than stuck_job_timeout
  boost::asio::steady_timer heartbeat_timer_;
  boost::asio::steady_timer contact_timer_;
};

}  // namespace spawnq
