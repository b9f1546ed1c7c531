// Dashboard is the live terminal view of `--show=tui`: per queue running/max,
// pending, retry_wait, done/failed/dead over the last minute and hour, jobs/s,
// and the running jobs of the selected queue (id, type, pid, elapsed,
// progress), redrawn every second with ncurses. Keys: q drains and quits
// (like SIGTERM), Tab switches queue. While it runs, log lines go only to
// log_file. Lives on the event loop; it reads, never changes, the daemon.
#pragma once

#include <functional>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

#include "common/service.hpp"
#include "daemon/observe/daemon_snapshot.hpp"
#include "daemon/observe/metrics.hpp"

namespace spawnq {

class Dashboard : public Service {
 public:
  Dashboard(boost::asio::io_context& loop, std::function<DaemonSnapshot()> snapshot, const Metrics& metrics,
            std::function<void()> quit);
  ~Dashboard() override;

  void start() override;
  void stop() override;  // gives the terminal back; safe twice and before start()

 private:
  void draw();
  void tick();
  void watch_keys();

  std::function<DaemonSnapshot()> snapshot_;
  const Metrics& metrics_;
  std::function<void()> quit_;
  boost::asio::steady_timer timer_;
  boost::asio::posix::stream_descriptor keys_;
  std::size_t selected_ = 0;
  bool running_ = false;
};

}  // namespace spawnq
