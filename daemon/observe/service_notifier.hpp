// ServiceNotifier tells a service manager how the daemon is doing, through
// libsystemd's sd_notify: READY=1 once it serves its queues, STOPPING=1 when
// it starts draining, STATUS= lines, and WATCHDOG=1 pings at half the
// WatchdogSec that systemd asked for — sent from the event loop, so a stuck
// loop stops the pings and systemd restarts the daemon. Without systemd
// (no $NOTIFY_SOCKET) every call does nothing. Lives on the event loop.
#pragma once

#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

namespace spawnq {

class ServiceNotifier {
 public:
  explicit ServiceNotifier(boost::asio::io_context& loop);

  void ready(const std::string& status);
  void stopping(const std::string& status);
  void status(const std::string& status);
  void stop();  // ends the watchdog pings

 private:
  void ping();

  boost::asio::steady_timer watchdog_;
  std::chrono::microseconds interval_{0};
  bool stopped_ = false;
};

}  // namespace spawnq
