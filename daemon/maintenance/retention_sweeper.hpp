// RetentionSweeper deletes finished jobs older than `retention:` allows, a
// small batch per transaction so that no long lock is held and claims keep
// flowing on the database thread between batches. Every daemon runs one; a
// transaction-level advisory lock lets one of them sweep at a time. It sweeps
// shortly after start, then every half of the shortest retention (at least
// every second, at most every minute), or after 5 s when it found another
// daemon sweeping. Lives on the event loop.
#pragma once

#include <chrono>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "config/config.hpp"
#include "daemon/database/db_executor.hpp"

namespace spawnq {

// Pure: how often to sweep for these retentions.
std::chrono::milliseconds sweep_interval(const std::map<JobStatus, Duration>& retention);

class RetentionSweeper {
 public:
  RetentionSweeper(boost::asio::io_context& loop, DbExecutor& db, std::map<JobStatus, Duration> retention);

  void start();
  void stop();  // safe twice and before start()

 private:
  void arm(std::chrono::milliseconds after);
  void sweep(std::size_t index, std::int64_t deleted_so_far, int batches);

  DbExecutor& db_;
  const std::vector<std::pair<JobStatus, Duration>> retention_;
  const std::chrono::milliseconds interval_;
  boost::asio::steady_timer timer_;
  bool stopped_ = false;
  bool sweeping_ = false;
  bool busy_ = false;  // the last sweep found another daemon sweeping
};

}  // namespace spawnq
