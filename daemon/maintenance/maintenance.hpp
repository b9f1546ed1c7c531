// Maintenance: the duties that keep the table healthy, as one service of the
// daemon — the rescue of dead daemons' jobs, the cron schedules and the
// retention sweep. They start once the daemon is first registered (the rescue
// needs its worker id). When the drain begins, the two that would add or
// delete jobs stop; the rescue goes on until the daemon stops, so a daemon
// that dies while this one drains still has its jobs given back.
#pragma once

#include <vector>

#include <boost/asio/io_context.hpp>

#include "config/config.hpp"
#include "daemon/database/db_executor.hpp"
#include "daemon/maintenance/retention_sweeper.hpp"
#include "daemon/maintenance/scheduler.hpp"
#include "daemon/maintenance/stuck_job_resolver.hpp"
#include "daemon/maintenance/worker_identity.hpp"

namespace spawnq {

class Maintenance {
 public:
  Maintenance(boost::asio::io_context& loop, DbExecutor& db, const Config& config,
              std::vector<ScheduleConfig> schedules)
      : resolver_(loop, db, config), scheduler_(loop, db, std::move(schedules)), sweeper_(loop, db, config.retention) {}

  void start(WorkerId self, const WorkerIdentity& identity) {
    resolver_.start(self, identity);
    scheduler_.start();
    sweeper_.start();
  }
  void registered_anew(WorkerId self) { resolver_.set_self(self); }
  // The drain began: no more schedule ticks or retention sweeps.
  void stop_adding_and_deleting() {
    scheduler_.stop();
    sweeper_.stop();
  }
  void stop() {  // safe twice and before start()
    stop_adding_and_deleting();
    resolver_.stop();
  }

 private:
  StuckJobResolver resolver_;
  Scheduler scheduler_;
  RetentionSweeper sweeper_;
};

}  // namespace spawnq
