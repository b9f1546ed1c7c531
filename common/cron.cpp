#include "cron.hpp"

#include <time.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <ctime>
#include <vector>

namespace spawnq {
namespace {

struct Field {
  const char* name;
  int min;
  int max;
  const std::array<const char*, 13>* names;  // index = value; nullptr entries unused
};

constexpr std::array<const char*, 13> kMonthNames = {nullptr, "jan", "feb", "mar", "apr", "may", "jun",
                                                     "jul",   "aug", "sep", "oct", "nov", "dec"};
constexpr std::array<const char*, 13> kDayNames = {"sun",   "mon",   "tue",   "wed",   "thu",   "fri", "sat",
                                                   nullptr, nullptr, nullptr, nullptr, nullptr, nullptr};

const Field kSecond{"second", 0, 59, nullptr};
const Field kMinute{"minute", 0, 59, nullptr};
const Field kHour{"hour", 0, 23, nullptr};
const Field kDay{"day of month", 1, 31, nullptr};
const Field kMonth{"month", 1, 12, &kMonthNames};
const Field kWeekday{"day of week", 0, 7, &kDayNames};  // 7 is Sunday too

[[noreturn]] void fail(const Field& field, std::string_view text, const std::string& why) {
  throw CronError(std::string(field.name) + " '" + std::string(text) + "': " + why);
}

int value_of(const Field& field, std::string_view part, std::string_view text) {
  if (field.names) {
    std::string lower(text);
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    for (int i = 0; i < 13; ++i) {
      if ((*field.names)[static_cast<std::size_t>(i)] && lower == (*field.names)[static_cast<std::size_t>(i)]) return i;
    }
  }
  int value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) {
    fail(field, part, "'" + std::string(text) + "' is not a number" + (field.names ? " or a name" : ""));
  }
  if (value < field.min || value > field.max) {
    fail(field, part, std::to_string(value) + " is out of range " + std::to_string(field.min) + "-" +
                          std::to_string(field.max));
  }
  return value;
}

// One comma-separated list into `bits` (indexed by value).
template <std::size_t N>
void parse_field(const Field& field, std::string_view text, std::bitset<N>& bits) {
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    const std::string_view part = text.substr(start, comma - start);
    if (part.empty()) fail(field, text, "empty list item");
    std::string_view range = part;
    int step = 1;
    if (const auto slash = part.find('/'); slash != std::string_view::npos) {
      range = part.substr(0, slash);
      const std::string_view step_text = part.substr(slash + 1);
      const auto [end, error] = std::from_chars(step_text.data(), step_text.data() + step_text.size(), step);
      if (step_text.empty() || error != std::errc() || end != step_text.data() + step_text.size() || step < 1) {
        fail(field, part, "the step after '/' must be a whole number ≥ 1");
      }
    }
    int low = field.min;
    int high = field.max == 7 ? 6 : field.max;  // '*' in day of week: 0-6
    if (range != "*") {
      if (const auto dash = range.find('-'); dash != std::string_view::npos) {
        low = value_of(field, part, range.substr(0, dash));
        high = value_of(field, part, range.substr(dash + 1));
        if (low > high) fail(field, part, "a range must go from low to high");
      } else {
        low = value_of(field, part, range);
        // "a/n" means from a to the end, every n.
        if (range.size() != part.size()) high = field.max == 7 ? 6 : field.max;
        else high = low;
      }
    }
    for (int v = low; v <= high; v += step) bits.set(static_cast<std::size_t>(v == 7 && field.max == 7 ? 0 : v));
    start = comma + 1;
  }
}

std::vector<std::string_view> split_spaces(std::string_view text) {
  std::vector<std::string_view> words;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    const std::size_t start = i;
    while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    if (i > start) words.push_back(text.substr(start, i - start));
  }
  return words;
}

std::string_view expand_shorthand(std::string_view text) {
  if (text == "@yearly" || text == "@annually") return "0 0 1 1 *";
  if (text == "@monthly") return "0 0 1 * *";
  if (text == "@weekly") return "0 0 * * 0";
  if (text == "@daily" || text == "@midnight") return "0 0 * * *";
  if (text == "@hourly") return "0 * * * *";
  if (!text.empty() && text.front() == '@') {
    throw CronError("unknown shorthand '" + std::string(text) +
                    "' (use @hourly, @daily, @weekly, @monthly or @yearly)");
  }
  return text;
}

tm broken_down(time_t t, CronZone zone) {
  tm b{};
  if (zone == CronZone::utc) ::gmtime_r(&t, &b);
  else ::localtime_r(&t, &b);
  return b;
}

time_t compose(tm b, CronZone zone) {
  b.tm_isdst = -1;
  return zone == CronZone::utc ? ::timegm(&b) : ::mktime(&b);
}

bool day_matches(const CronSchedule& s, const tm& b) {
  const bool day = s.days.test(static_cast<std::size_t>(b.tm_mday));
  const bool weekday = s.weekdays.test(static_cast<std::size_t>(b.tm_wday));
  if (s.any_day || s.any_weekday) return day && weekday;
  return day || weekday;
}

}  // namespace

CronSchedule parse_cron(std::string_view text) {
  CronSchedule s;
  s.text = std::string(text);
  const std::vector<std::string_view> words = split_spaces(expand_shorthand(text));
  if (words.size() != 5 && words.size() != 6) {
    throw CronError("needs 5 fields (minute hour day-of-month month day-of-week) or 6 with seconds first, got " +
                    std::to_string(words.size()));
  }
  std::size_t i = 0;
  if (words.size() == 6) parse_field(kSecond, words[i++], s.seconds);
  else s.seconds.set(0);
  parse_field(kMinute, words[i++], s.minutes);
  parse_field(kHour, words[i++], s.hours);
  s.any_day = words[i].front() == '*';
  parse_field(kDay, words[i++], s.days);
  parse_field(kMonth, words[i++], s.months);
  s.any_weekday = words[i].front() == '*';
  parse_field(kWeekday, words[i++], s.weekdays);
  if (!next_tick(s, std::chrono::sys_seconds(std::chrono::seconds(0)), CronZone::utc)) {
    throw CronError("never fires (no such date)");
  }
  return s;
}

std::optional<std::chrono::sys_seconds> next_tick(const CronSchedule& s, std::chrono::sys_seconds after,
                                                  CronZone zone) {
  time_t t = static_cast<time_t>(after.time_since_epoch().count()) + 1;
  // Each step moves to the start of the next month, day, hour, minute or
  // second that could match, so 400 years take at most ~200,000 steps.
  for (int step = 0; step < 250000; ++step) {
    tm b = broken_down(t, zone);
    time_t next = t;
    if (!s.months.test(static_cast<std::size_t>(b.tm_mon + 1))) {
      b.tm_mon += 1;
      b.tm_mday = 1;
      b.tm_hour = b.tm_min = b.tm_sec = 0;
      next = compose(b, zone);
    } else if (!day_matches(s, b)) {
      b.tm_mday += 1;
      b.tm_hour = b.tm_min = b.tm_sec = 0;
      next = compose(b, zone);
    } else if (!s.hours.test(static_cast<std::size_t>(b.tm_hour))) {
      b.tm_hour += 1;
      b.tm_min = b.tm_sec = 0;
      next = compose(b, zone);
    } else if (!s.minutes.test(static_cast<std::size_t>(b.tm_min))) {
      b.tm_min += 1;
      b.tm_sec = 0;
      next = compose(b, zone);
    } else if (!s.seconds.test(static_cast<std::size_t>(b.tm_sec))) {
      next = t + 1;
    } else {
      return std::chrono::sys_seconds(std::chrono::seconds(t));
    }
    t = std::max(next, t + 1);  // a daylight-saving fold must not send us back
  }
  return std::nullopt;
}

std::optional<std::chrono::sys_seconds> latest_tick(const CronSchedule& s, std::chrono::sys_seconds since,
                                                    std::chrono::sys_seconds now, CronZone zone) {
  // Walk forward over a window that ends now, widening it until a tick turns
  // up: a per-second schedule is found in the last minute without walking
  // the year it may have missed.
  using std::chrono::hours;
  using std::chrono::minutes;
  for (const std::chrono::seconds window : {std::chrono::seconds(minutes(1)), std::chrono::seconds(hours(1)),
                                            std::chrono::seconds(hours(24)), std::chrono::seconds(hours(24 * 32)),
                                            std::chrono::seconds(hours(24 * 366 * 5))}) {
    const std::chrono::sys_seconds from = std::max(since, now - window);
    std::optional<std::chrono::sys_seconds> latest;
    for (auto tick = next_tick(s, from, zone); tick && *tick <= now; tick = next_tick(s, *tick, zone)) latest = tick;
    if (latest || from == since) return latest;
  }
  return std::nullopt;
}

std::string format_tick(std::chrono::sys_seconds tick) {
  const time_t t = static_cast<time_t>(tick.time_since_epoch().count());
  tm b{};
  ::gmtime_r(&t, &b);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &b);
  return text;
}

}  // namespace spawnq
