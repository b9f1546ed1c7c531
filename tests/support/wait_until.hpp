// Waits for a condition with a bounded poll, never a bare sleep: tests stay
// fast when things go right and fail (rather than hang) when they do not.
#pragma once

#include <chrono>
#include <thread>

namespace spawnq::test {

template <typename Condition>
bool wait_until(Condition condition, std::chrono::milliseconds limit,
                std::chrono::milliseconds step = std::chrono::milliseconds(20)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    if (condition()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(step);
  }
}

}  // namespace spawnq::test
