#include "service_notifier.hpp"

#include <systemd/sd-daemon.h>

#include <spdlog/spdlog.h>

namespace spawnq {

ServiceNotifier::ServiceNotifier(boost::asio::io_context& loop) : watchdog_(loop) {
  std::uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0) {
    interval_ = std::chrono::microseconds(usec / 2);
    spdlog::info("systemd watchdog: pinging every {}ms", interval_.count() / 1000);
  }
}

void ServiceNotifier::ready(const std::string& status) {
  sd_notify(0, ("READY=1\nSTATUS=" + status).c_str());
  if (interval_.count() > 0) ping();
}

void ServiceNotifier::stopping(const std::string& status) {
  sd_notify(0, ("STOPPING=1\nSTATUS=" + status).c_str());
}

void ServiceNotifier::status(const std::string& status) { sd_notify(0, ("STATUS=" + status).c_str()); }

void ServiceNotifier::stop() {
  stopped_ = true;
  watchdog_.cancel();
}

void ServiceNotifier::ping() {
  if (stopped_) return;
  sd_notify(0, "WATCHDOG=1");
  watchdog_.expires_after(interval_);
  watchdog_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) ping();
  });
}

}  // namespace spawnq
