// ReconnectBackoff is how long the database thread and the listener wait
// between attempts to reach PostgreSQL: 250 ms, doubling to 5 s, back to
// 250 ms once a connection works. One rule for both, so an outage looks the
// same in either's log. A value; no clock.
#pragma once

#include <algorithm>
#include <chrono>

namespace spawnq {

class ReconnectBackoff {
 public:
  static constexpr std::chrono::milliseconds kFirst{250};
  static constexpr std::chrono::milliseconds kMost{5000};

  // The wait before the next attempt; each call doubles the one after.
  std::chrono::milliseconds next() {
    const auto wait = wait_;
    wait_ = std::min(wait_ * 2, kMost);
    return wait;
  }
  void reset() { wait_ = kFirst; }

 private:
  std::chrono::milliseconds wait_ = kFirst;
};

}  // namespace spawnq
