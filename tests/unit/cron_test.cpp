#include "common/cron.hpp"

#include <catch2/catch.hpp>

using namespace spawnq;
using namespace std::chrono;

namespace {

// "2026-11-23 14:05:00" (UTC) as sys_seconds.
sys_seconds at(int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0) {
  return sys_days(year_month_day(year(y), month(mo), day(d))) + hours(h) + minutes(mi) + seconds(s);
}

sys_seconds next(const std::string& expression, sys_seconds after) {
  const auto tick = next_tick(parse_cron(expression), after, CronZone::utc);
  REQUIRE(tick);
  return *tick;
}

std::string error_of(const std::string& expression) {
  try {
    parse_cron(expression);
  } catch (const CronError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("cron: five fields tick on the minute, strictly after the given time") {
  CHECK(next("* * * * *", at(2026, 11, 23, 14, 5, 0)) == at(2026, 11, 23, 14, 6, 0));
  CHECK(next("* * * * *", at(2026, 11, 23, 14, 5, 30)) == at(2026, 11, 23, 14, 6, 0));
  CHECK(next("0 2 * * *", at(2026, 11, 23, 14, 5)) == at(2026, 11, 24, 2, 0));
  CHECK(next("0 2 * * *", at(2026, 11, 24, 1, 59, 59)) == at(2026, 11, 24, 2, 0));
  CHECK(next("*/15 * * * *", at(2026, 11, 23, 14, 5)) == at(2026, 11, 23, 14, 15));
  CHECK(next("5,35 9-17 * * *", at(2026, 11, 23, 17, 40)) == at(2026, 11, 24, 9, 5));
  CHECK(next("0 0 1 * *", at(2026, 12, 15)) == at(2027, 1, 1));
}

TEST_CASE("cron: a sixth leading field counts seconds") {
  CHECK(next("*/15 * * * * *", at(2026, 11, 23, 14, 5, 0)) == at(2026, 11, 23, 14, 5, 15));
  CHECK(next("*/15 * * * * *", at(2026, 11, 23, 14, 5, 59)) == at(2026, 11, 23, 14, 6, 0));
  CHECK(next("30 0 12 * * *", at(2026, 11, 23, 12, 0, 30)) == at(2026, 11, 24, 12, 0, 30));
  CHECK(next("*/2 * * * * *", at(2026, 11, 23, 0, 0, 1)) == at(2026, 11, 23, 0, 0, 2));
}

TEST_CASE("cron: month and day names, Sunday as 0 or 7, ranges with steps") {
  // 2026-11-23 is a Monday.
  CHECK(next("0 9 * * MON-FRI", at(2026, 11, 27, 10)) == at(2026, 11, 30, 9));  // Friday after 9 → Monday
  CHECK(next("0 9 * * sun", at(2026, 11, 23)) == at(2026, 11, 29, 9));
  CHECK(next("0 9 * * 7", at(2026, 11, 23)) == at(2026, 11, 29, 9));
  CHECK(next("0 0 1 jan,JUL *", at(2026, 11, 23)) == at(2027, 1, 1));
  CHECK(next("0 0-12/6 * * *", at(2026, 11, 23, 6, 30)) == at(2026, 11, 23, 12));
  CHECK(next("0 10/5 * * *", at(2026, 11, 23, 16)) == at(2026, 11, 23, 20));
}

TEST_CASE("cron: both day fields restricted means either, one restricted means that one") {
  // The 1st of the month or any Friday (2026-11-27 is a Friday).
  CHECK(next("0 0 1 * 5", at(2026, 11, 23)) == at(2026, 11, 27));
  CHECK(next("0 0 1 * 5", at(2026, 11, 28)) == at(2026, 12, 1));
  // '*' in day of month: only Fridays.
  CHECK(next("0 0 * * 5", at(2026, 11, 28)) == at(2026, 12, 4));
}

TEST_CASE("cron: shorthands") {
  CHECK(next("@hourly", at(2026, 11, 23, 14, 5)) == at(2026, 11, 23, 15));
  CHECK(next("@daily", at(2026, 11, 23, 14, 5)) == at(2026, 11, 24));
  CHECK(next("@weekly", at(2026, 11, 23, 14, 5)) == at(2026, 11, 29));
  CHECK(next("@monthly", at(2026, 11, 23, 14, 5)) == at(2026, 12, 1));
  CHECK(next("@yearly", at(2026, 11, 23, 14, 5)) == at(2027, 1, 1));
}

TEST_CASE("cron: February 29 waits for a leap year") {
  CHECK(next("0 0 29 2 *", at(2026, 3, 1)) == at(2028, 2, 29));
}

TEST_CASE("cron: bad expressions say which field and why") {
  CHECK(error_of("* * * *") == "needs 5 fields (minute hour day-of-month month day-of-week) or 6 with seconds first, got 4");
  CHECK(error_of("61 * * * *") == "minute '61': 61 is out of range 0-59");
  CHECK(error_of("* 24 * * *") == "hour '24': 24 is out of range 0-23");
  CHECK(error_of("* * 0 * *") == "day of month '0': 0 is out of range 1-31");
  CHECK(error_of("* * * foo *") == "month 'foo': 'foo' is not a number or a name");
  CHECK(error_of("* * * * 1-") == "day of week '1-': '' is not a number or a name");
  CHECK(error_of("*/0 * * * *") == "minute '*/0': the step after '/' must be a whole number ≥ 1");
  CHECK(error_of("5-1 * * * *") == "minute '5-1': a range must go from low to high");
  CHECK(error_of("1,,2 * * * *") == "minute '1,,2': empty list item");
  CHECK(error_of("0 0 30 2 *") == "never fires (no such date)");
  CHECK(error_of("@fortnightly") == "unknown shorthand '@fortnightly' (use @hourly, @daily, @weekly, @monthly or @yearly)");
  CHECK(error_of("60 * * * * *") == "second '60': 60 is out of range 0-59");
}

TEST_CASE("cron: the latest missed tick is found without walking every one") {
  const CronSchedule every_second = parse_cron("* * * * * *");
  const auto now = at(2026, 11, 23, 14, 5, 7);
  CHECK(latest_tick(every_second, now - hours(24 * 300), now, CronZone::utc) == now);
  const CronSchedule nightly = parse_cron("0 2 * * *");
  CHECK(latest_tick(nightly, at(2026, 11, 1), now, CronZone::utc) == at(2026, 11, 23, 2));
  CHECK(latest_tick(nightly, at(2026, 11, 23, 2), now, CronZone::utc) == std::nullopt);  // that one was run
  CHECK(latest_tick(parse_cron("@yearly"), at(2020, 6, 1), now, CronZone::utc) == at(2026, 1, 1));
}
