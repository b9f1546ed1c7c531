#include "queue_depths.hpp"

#include <optional>

namespace spawnq {

void QueueDepths::start() {
  db_.post<std::vector<QueueStats>>(
      [](JobStore& store) { return store.admin().stats(std::nullopt); },
      [this](std::vector<QueueStats> all) {
        depths_.clear();
        for (const QueueStats& q : all) {
          for (const auto& [status, count] : q.counts) depths_[{q.queue, status}] = count;
        }
      },
      retry_next_round("counting queue depths"), OnOutage::fail);  // the last count stands until the next
  timer_.expires_after(std::chrono::seconds(5));
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) start();
  });
}

}  // namespace spawnq
