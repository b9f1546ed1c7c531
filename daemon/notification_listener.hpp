// NotificationListener turns PostgreSQL notifications into wake-ups on the
// event loop: it LISTENs on each served queue's channel ("spawnq:<queue>") on
// a connection and thread of its own, and calls `wake(queue)` on the loop when
// a job arrives. After a lost connection it reconnects with backoff,
// re-LISTENs, and wakes every queue, since notifications may have been missed
// meanwhile. The poll timer of each queue covers any that never come.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>

namespace spawnq {

class NotificationListener {
 public:
  using Wake = std::function<void(const std::string& queue)>;

  NotificationListener(boost::asio::io_context& loop, std::string database_url,
                       std::vector<std::string> queues, Wake wake);
  ~NotificationListener();

  void start();
  void stop();  // safe twice and before start()

 private:
  void thread_main();

  boost::asio::io_context& loop_;
  const std::string url_;
  const std::vector<std::string> queues_;
  const Wake wake_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace spawnq
