// ClaimHealth: what one queue knows of its own claims, so that a daemon never
// stops claiming without saying why. A failed claim is said once, then again
// when its error changes or a minute passes, and a queue that claims again
// says after how long; /healthz reads since when claims have been failing.
// A lost connection is not said here: the database thread logs the outage.
// Pure: the coordinator tells it what happened and logs what it returns.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace spawnq {

class ClaimHealth {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::chrono::seconds kRepeatEvery{60};

  // The log line to write now, if any.
  std::optional<std::string> failed(const std::string& queue, const std::string& error, bool outage,
                                    Clock::time_point now);
  std::optional<std::string> succeeded(const std::string& queue, Clock::time_point now);

  // Seconds since the first of the claims that have failed in a row.
  std::optional<double> failing_for_s(Clock::time_point now) const;
  const std::string& last_error() const { return last_error_; }

 private:
  std::optional<Clock::time_point> failing_since_;
  std::optional<Clock::time_point> said_at_;  // when the failure was last logged
  std::string last_error_;
};

}  // namespace spawnq
