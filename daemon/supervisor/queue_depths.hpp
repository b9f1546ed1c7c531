// QueueDepths counts the jobs of every queue by status for /metrics, /status
// and the dashboard. Counting scans the table, so the daemon starts it only
// when someone watches (http: or the dashboard), and it counts every 5 s.
// Event loop only.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "daemon/database/db_executor.hpp"

namespace spawnq {

using DepthMap = std::map<std::pair<std::string, JobStatus>, std::int64_t>;

class QueueDepths {
 public:
  QueueDepths(boost::asio::io_context& loop, DbExecutor& db) : db_(db), timer_(loop) {}

  void start();
  void stop() { timer_.cancel(); }  // safe twice and before start()
  const DepthMap& depths() const { return depths_; }

 private:
  DbExecutor& db_;
  boost::asio::steady_timer timer_;
  DepthMap depths_;
};

}  // namespace spawnq
