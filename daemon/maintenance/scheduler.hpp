// Scheduler fires the cron schedules of the queues this daemon serves. Every
// daemon runs one; the database lets exactly one of them take each tick
// (JobStore::fire_tick), so adding daemons never adds jobs. At start it reads
// each schedule's last tick and, with catch_up: one, fires the newest tick it
// missed while no daemon ran. Then one timer per schedule, on the wall clock:
// a daemon that wakes late (suspend, overload, a database outage) fires only
// the newest due tick, never a burst. Lives on the event loop.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "config/config.hpp"
#include "daemon/database/db_executor.hpp"

namespace spawnq {

// Pure: which tick to fire now, if any. `last` is the newest tick known taken
// (by anyone); with no last tick a schedule starts from now, with nothing to
// catch up. `starting` is true for the check made when the daemon starts.
// A daemon fires the schedules of the queues it serves: `work emails` leaves
// the other queues' schedules to the daemons that serve those.
std::vector<ScheduleConfig> served_schedules(const Config& config, const std::vector<QueueConfig>& queues);

std::optional<std::chrono::sys_seconds> due_tick(const ScheduleConfig& schedule,
                                                 std::optional<std::chrono::sys_seconds> last,
                                                 std::chrono::sys_seconds now, bool starting);

class Scheduler {
 public:
  Scheduler(boost::asio::io_context& loop, DbExecutor& db, std::vector<ScheduleConfig> schedules);

  void start();
  void stop();  // safe twice and before start()

 private:
  struct Entry {
    ScheduleConfig config;
    std::optional<std::chrono::sys_seconds> last;  // newest tick known taken
    std::unique_ptr<boost::asio::steady_timer> timer;
  };

  void check(Entry& entry, bool starting);
  void fire(Entry& entry, std::chrono::sys_seconds tick);
  void arm(Entry& entry);

  boost::asio::io_context& loop_;
  DbExecutor& db_;
  std::vector<Entry> entries_;
  bool stopped_ = false;
};

}  // namespace spawnq
