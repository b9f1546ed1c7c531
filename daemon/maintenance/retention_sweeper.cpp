#include "retention_sweeper.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

namespace spawnq {
namespace {

constexpr int kBatchSize = 500;
// Per status and sweep; a backlog bigger than this waits for the next sweep.
constexpr int kMaxBatches = 100;
constexpr std::chrono::seconds kFirstSweep{1};
// Another daemon holds the sweep: look again soon, in case it stops halfway.
constexpr std::chrono::seconds kBusyRetry{5};

}  // namespace

std::chrono::milliseconds sweep_interval(const std::map<JobStatus, Duration>& retention) {
  Duration shortest = std::chrono::hours(24);
  for (const auto& [status, age] : retention) shortest = std::min(shortest, age);
  return std::clamp<std::chrono::milliseconds>(shortest / 2, std::chrono::seconds(1), std::chrono::minutes(1));
}

RetentionSweeper::RetentionSweeper(boost::asio::io_context& loop, DbExecutor& db,
                                   std::map<JobStatus, Duration> retention)
    : db_(db),
      retention_(retention.begin(), retention.end()),
      interval_(sweep_interval(retention)),
      timer_(loop) {}

void RetentionSweeper::start() {
  if (retention_.empty()) return;
  arm(kFirstSweep);
}

void RetentionSweeper::stop() {
  stopped_ = true;
  timer_.cancel();
}

void RetentionSweeper::arm(std::chrono::milliseconds after) {
  timer_.expires_after(after);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || stopped_ || sweeping_) return;
    sweeping_ = true;
    sweep(0, 0, 0);
  });
}

// One batch of retention_[index]; the next batch (or status) is posted only
// once this one is done, so claims and outcomes get the thread in between.
void RetentionSweeper::sweep(std::size_t index, std::int64_t deleted_so_far, int batches) {
  if (stopped_) return;
  if (index == retention_.size()) {
    sweeping_ = false;
    return arm(busy_ ? std::min<std::chrono::milliseconds>(kBusyRetry, interval_) : interval_);
  }
  if (index == 0) busy_ = false;
  const auto [status, age] = retention_[index];
  db_.post<std::optional<std::int64_t>>(
      [status = status, age = age](JobStore& store) { return store.admin().sweep_expired(status, age, kBatchSize); },
      [this, index, deleted_so_far, batches, status = status, age = age](std::optional<std::int64_t> deleted) {
        const std::int64_t total = deleted_so_far + deleted.value_or(0);
        if (deleted && *deleted == kBatchSize && batches + 1 < kMaxBatches) {
          return sweep(index, total, batches + 1);
        }
        if (total > 0) {
          spdlog::info("retention: deleted {} {} job(s) finished more than {} ago", total, to_string(status),
                       format_duration(age));
        }
        if (!deleted) {
          busy_ = true;
          spdlog::debug("retention: another daemon is sweeping");
        }
        sweep(index + 1, 0, 0);
      },
      [this, index](std::exception_ptr error) {
        spdlog::warn("retention: sweep failed: {}", describe_error(error));
        sweep(index + 1, 0, 0);
      },
      OnOutage::fail);
}

}  // namespace spawnq
