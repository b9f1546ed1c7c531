#include "scheduler.hpp"

#include <spdlog/spdlog.h>

namespace spawnq {
namespace {

using Clock = std::chrono::system_clock;

std::chrono::sys_seconds now_seconds() { return std::chrono::floor<std::chrono::seconds>(Clock::now()); }

}  // namespace

std::vector<ScheduleConfig> served_schedules(const Config& config, const std::vector<QueueConfig>& queues) {
  std::vector<ScheduleConfig> served;
  for (const ScheduleConfig& schedule : config.schedules) {
    for (const QueueConfig& queue : queues) {
      if (queue.name == schedule.queue) served.push_back(schedule);
    }
  }
  return served;
}

std::optional<std::chrono::sys_seconds> due_tick(const ScheduleConfig& schedule,
                                                 std::optional<std::chrono::sys_seconds> last,
                                                 std::chrono::sys_seconds now, bool starting) {
  if (!last) {
    // Never fired anywhere: nothing was missed; a tick falling on this very
    // second is due.
    return latest_tick(schedule.cron, now - std::chrono::seconds(1), now, schedule.zone);
  }
  if (starting && !schedule.catch_up) {
    // Missed ticks are dropped; only one due this very second still fires.
    return latest_tick(schedule.cron, std::max(*last, now - std::chrono::seconds(1)), now, schedule.zone);
  }
  return latest_tick(schedule.cron, *last, now, schedule.zone);
}

Scheduler::Scheduler(boost::asio::io_context& loop, DbExecutor& db, std::vector<ScheduleConfig> schedules)
    : loop_(loop), db_(db) {
  for (ScheduleConfig& schedule : schedules) {
    entries_.push_back(Entry{std::move(schedule), std::nullopt, std::make_unique<boost::asio::steady_timer>(loop)});
  }
}

void Scheduler::start() {
  if (entries_.empty()) return;
  std::vector<std::string> names;
  for (const Entry& entry : entries_) names.push_back(entry.config.name);
  db_.post<std::vector<ScheduleState>>(
      [names](JobStore& store) { return store.schedules().schedule_states(names); },
      [this](std::vector<ScheduleState> states) {
        if (stopped_) return;
        for (Entry& entry : entries_) {
          for (const ScheduleState& state : states) {
            if (state.name == entry.config.name) entry.last = state.last_tick;
          }
          spdlog::info("schedule={} queue={} cron=\"{}\": next {}", entry.config.name, entry.config.queue,
                       entry.config.cron.text,
                       format_tick(next_tick(entry.config.cron, now_seconds(), entry.config.zone)
                                     .value_or(std::chrono::sys_seconds{})));
          check(entry, true);
        }
      },
      [this](std::exception_ptr error) {
        // Without the last ticks nothing can be caught up; the timers still run.
        spdlog::warn("schedules: cannot read their last ticks ({}); not catching up", describe_error(error));
        for (Entry& entry : entries_) check(entry, false);
      },
      OnOutage::keep);
}

void Scheduler::stop() {
  stopped_ = true;
  for (Entry& entry : entries_) entry.timer->cancel();
}

void Scheduler::check(Entry& entry, bool starting) {
  if (stopped_) return;
  const auto now = now_seconds();
  if (const auto tick = due_tick(entry.config, entry.last, now, starting)) fire(entry, *tick);
  if (!entry.last) entry.last = now;  // from here on, ticks after now are due
  arm(entry);
}

void Scheduler::arm(Entry& entry) {
  const auto next = next_tick(entry.config.cron, std::max(now_seconds(), entry.last.value_or(now_seconds())),
                              entry.config.zone);
  if (!next) return;
  // A steady timer, re-aimed at the wall clock each time: a clock step only
  // delays or advances one wake-up.
  entry.timer->expires_after(std::chrono::duration_cast<std::chrono::steady_clock::duration>(*next - Clock::now()));
  entry.timer->async_wait([this, &entry](const boost::system::error_code& ec) {
    if (!ec) check(entry, false);
  });
}

void Scheduler::fire(Entry& entry, std::chrono::sys_seconds tick) {
  entry.last = tick;
  const ScheduleConfig& c = entry.config;
  ScheduledTick t;
  t.schedule = c.name;
  t.tick = tick;
  t.overlap = c.overlap;
  t.job = scheduled_job(c);
  t.job.reference = c.name + "@" + format_tick(tick);
  const std::string name = c.name;
  const std::string queue = c.queue;
  db_.post<TickResult>(
      [t](JobStore& store) { return store.schedules().fire_tick(t); },
      [name, queue, tick](TickResult result) {
        switch (result.kind) {
          case TickResult::Kind::enqueued:
            spdlog::info("schedule={} tick={} queue={} job={} enqueued", name, format_tick(tick), queue, result.job);
            break;
          case TickResult::Kind::skipped:
            spdlog::info("schedule={} tick={} queue={} skipped: the previous job is still {} (overlap: false)",
                         name, format_tick(tick), queue, to_string(result.previous.value_or(JobStatus::pending)));
            break;
          case TickResult::Kind::taken:
            spdlog::debug("schedule={} tick={} taken by another daemon", name, format_tick(tick));
            break;
        }
      },
      [name, tick](std::exception_ptr error) {
        spdlog::warn("schedule={} tick={} not enqueued: {}", name, format_tick(tick), describe_error(error));
      },
      OnOutage::fail);
}

}  // namespace spawnq
