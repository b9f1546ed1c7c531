// Driving an io_context from a test until something holds, bounded.
#pragma once

#include <chrono>
#include <functional>

#include <boost/asio/io_context.hpp>

namespace spawnq::test {

// Runs `loop` in 20 ms slices until `done` holds or `limit` passes.
inline bool run_loop_until(boost::asio::io_context& loop, const std::function<bool()>& done,
                           std::chrono::milliseconds limit) {
  const auto give_up = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < give_up) {
    loop.restart();  // an io_context that ran out of work stays stopped until restarted
    loop.run_for(std::chrono::milliseconds(20));
    if (done()) return true;
  }
  return false;
}

}  // namespace spawnq::test
