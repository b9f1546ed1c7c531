// Cron expressions (issue 7): the standard five fields — minute, hour, day of
// month, month, day of week — with an optional leading seconds field, lists,
// ranges, steps, month and day names, and the @hourly/@daily/@weekly/
// @monthly/@yearly shorthands. Parsing and "when is the next tick" only: pure
// functions, no clock of their own.
#pragma once

#include <bitset>
#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace spawnq {

class CronError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class CronZone { utc, local };

struct CronSchedule {
  std::string text;  // as written
  std::bitset<60> seconds;
  std::bitset<60> minutes;
  std::bitset<24> hours;
  std::bitset<32> days;      // 1-31
  std::bitset<13> months;    // 1-12
  std::bitset<7> weekdays;   // 0-6, Sunday 0
  // Written as '*…': as in Vixie cron, when both day fields are restricted a
  // day matching either one fires; otherwise both must match.
  bool any_day = false;
  bool any_weekday = false;
};

// Throws CronError saying which field is wrong and why. An expression that
// can never fire (e.g. "0 0 30 2 *") is an error too.
CronSchedule parse_cron(std::string_view text);

// The first tick strictly after `after`; nullopt if none in the next ~400 years.
std::optional<std::chrono::sys_seconds> next_tick(const CronSchedule& schedule, std::chrono::sys_seconds after,
                                                  CronZone zone);

// The newest tick at or before `now` that is after `since`; nullopt if none.
// (For catching up a missed tick after downtime.)
std::optional<std::chrono::sys_seconds> latest_tick(const CronSchedule& schedule, std::chrono::sys_seconds since,
                                                    std::chrono::sys_seconds now, CronZone zone);

// A tick as ISO 8601 UTC, "2026-11-24T02:00:00Z": in logs, references, listings.
std::string format_tick(std::chrono::sys_seconds tick);

}  // namespace spawnq
