#include "claim_health.hpp"

#include <fmt/format.h>

namespace spawnq {

namespace {

double seconds_between(ClaimHealth::Clock::time_point from, ClaimHealth::Clock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

}  // namespace

std::optional<std::string> ClaimHealth::failed(const std::string& queue, const std::string& error, bool outage,
                                               Clock::time_point now) {
  if (!failing_since_) failing_since_ = now;
  const bool changed = error != last_error_;
  last_error_ = error;
  if (outage) return std::nullopt;
  if (said_at_ && !changed && now - *said_at_ < kRepeatEvery) return std::nullopt;
  const bool first = !said_at_;
  said_at_ = now;
  if (first) return fmt::format("queue={} cannot claim: {}; trying again at the next poll", queue, error);
  return fmt::format("queue={} still cannot claim after {:.0f}s: {}; trying again at the next poll", queue,
                     seconds_between(*failing_since_, now), error);
}

std::optional<std::string> ClaimHealth::succeeded(const std::string& queue, Clock::time_point now) {
  std::optional<std::string> line;
  if (said_at_) line = fmt::format("queue={} claiming again after {:.1f}s", queue, seconds_between(*failing_since_, now));
  failing_since_.reset();
  said_at_.reset();
  last_error_.clear();
  return line;
}

std::optional<double> ClaimHealth::failing_for_s(Clock::time_point now) const {
  if (!failing_since_) return std::nullopt;
  return seconds_between(*failing_since_, now);
}

}  // namespace spawnq
