// NotificationListener turns PostgreSQL notifications into wake-ups on the
// event loop: it LISTENs on each served queue's channel ("spawnq:<queue>") on
// a connection and thread of its own, and calls `wake(queue)` on the loop when
// a job arrives. After a lost connection it reconnects with backoff,
// re-LISTENs, and wakes every queue, since notifications may have been missed
// meanwhile. The poll timer of each queue covers any that never come. It also
// LISTENs on "spawnq_cancel" and calls `cancel(job id)` for running jobs that
// `spawnq cancel` asked to stop, and on "spawnq_pause" and calls
// `paused(queue, bool)` when an operator pauses or resumes a queue. A quiet connection is checked every few
// seconds, so one that died silently is noticed and replaced.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>

namespace spawnq {

class NotificationListener {
 public:
  using Wake = std::function<void(const std::string& queue)>;
  using Cancel = std::function<void(std::int64_t job_id)>;
  using Paused = std::function<void(const std::string& queue, bool paused)>;

  NotificationListener(boost::asio::io_context& loop, std::string database_url,
                       std::vector<std::string> queues, Wake wake, Cancel cancel, Paused paused);
  ~NotificationListener();

  void start();
  void stop();  // safe twice and before start()

 private:
  void thread_main();

  boost::asio::io_context& loop_;
  const std::string url_;
  const std::vector<std::string> queues_;
  const Wake wake_;
  const Cancel cancel_;
  const Paused paused_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace spawnq
