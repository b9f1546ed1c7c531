// StuckJobResolver gives back the jobs of daemons that died: every
// stuck_check_interval it returns processing jobs whose daemon has been silent
// for stuck_job_timeout (or is gone from spawnq.workers) to the queue, counting
// the lost attempt, and forgets such daemons. Right after this daemon
// registers, it also rescues the jobs of a predecessor on the same host that
// it can prove is gone, without waiting. Any number of daemons run one;
// SKIP LOCKED keeps them off each other's rows. Lives on the event loop.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "config/config.hpp"
#include "daemon/database/db_executor.hpp"

namespace spawnq {

class StuckJobResolver {
 public:
  StuckJobResolver(boost::asio::io_context& loop, DbExecutor& db, const Config& config);

  void start(WorkerId self, const WorkerIdentity& identity);
  void set_self(WorkerId self) { self_ = self; }  // after registering anew
  void stop();  // safe twice and before start()

 private:
  void rescue_predecessors(WorkerId self, const WorkerIdentity& identity);
  void sweep(std::vector<WorkerId> dead);
  void arm();

  DbExecutor& db_;
  const Config& config_;
  boost::asio::steady_timer timer_;
  bool stopped_ = false;
  WorkerId self_ = 0;
};

}  // namespace spawnq
