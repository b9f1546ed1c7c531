#include "overview.hpp"

#include <algorithm>
#include <ctime>

#include <spdlog/spdlog.h>

#include "common/job_search_json.hpp"
#include "common/job_store.hpp"

namespace spawnq {
namespace {

QueueOverview& queue_of(std::map<std::string, QueueOverview>& queues, const std::string& name) {
  QueueOverview& queue = queues[name];
  queue.queue = name;
  return queue;
}

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

}  // namespace

Overview build_overview(const OverviewInputs& inputs) {
  std::map<std::string, QueueOverview> queues;
  for (const QueueStats& stats : inputs.stats) {
    QueueOverview& queue = queue_of(queues, stats.queue);
    queue.counts = stats.counts;
    queue.oldest_pending_age_s = stats.oldest_pending_age_s;
    const auto processing = stats.counts.find(JobStatus::processing);
    queue.running = processing == stats.counts.end() ? 0 : processing->second;
  }
  for (const WorkerLine& worker : inputs.workers) {
    if (worker_state(worker, inputs.stuck_job_timeout) != WorkerState::serving) continue;
    for (const std::string& name : worker.queues) {
      QueueOverview& queue = queue_of(queues, name);
      const auto shares = worker.shares.find(name);
      const QueueShares said = shares == worker.shares.end() ? QueueShares{} : shares->second;
      if (queue.daemons == 0) queue.shares = said;
      else if (!(queue.shares == said)) queue.shares_differ = true;
      ++queue.daemons;
      const auto max = worker.max_workers.find(name);
      if (max != worker.max_workers.end()) queue.max_workers = queue.max_workers.value_or(0) + max->second;
    }
  }
  for (const std::string& name : inputs.paused) queue_of(queues, name).paused = true;

  Overview overview;
  for (const FinishedMinute& minute : inputs.finished) {
    if (minute.minutes_ago < 0 || minute.minutes_ago >= kChartMinutes) continue;
    const auto index = static_cast<std::size_t>(kChartMinutes - 1 - minute.minutes_ago);
    QueueOverview& queue = queue_of(queues, minute.queue);
    queue.done_per_minute[index] += minute.done;
    queue.failed_per_minute[index] += minute.failed;
    overview.done_per_minute[index] += minute.done;
    overview.failed_per_minute[index] += minute.failed;
  }
  for (auto& [name, queue] : queues) overview.queues.push_back(std::move(queue));
  overview.daemons = inputs.workers;
  overview.read_at = utc_now();
  return overview;
}

OverviewInputs read_overview_inputs(JobStore& store, std::chrono::milliseconds stuck_job_timeout) {
  OverviewInputs inputs;
  inputs.stats = store.admin().stats(std::nullopt);
  inputs.workers = store.search().workers();
  inputs.paused = store.admin().paused_queues();
  inputs.finished = store.search().finished_per_minute(kChartMinutes);
  inputs.stuck_job_timeout = stuck_job_timeout;
  return inputs;
}

OverviewPoller::OverviewPoller(Read read, std::chrono::milliseconds interval)
    : read_(std::move(read)), interval_(interval), thread_([this] { run(); }) {}

OverviewPoller::~OverviewPoller() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  stop_requested_.notify_all();
  read_finished_.notify_all();
  thread_.join();
}

OverviewPoller::Snapshot OverviewPoller::latest() const {
  std::lock_guard lock(mutex_);
  return latest_;
}

void OverviewPoller::refresh(std::chrono::milliseconds limit) {
  std::unique_lock lock(mutex_);
  const std::uint64_t wanted = reads_started_ + 1;
  refresh_requested_ = true;
  stop_requested_.notify_all();
  read_finished_.wait_for(lock, limit, [&] { return reads_finished_ >= wanted || stopping_; });
}

void OverviewPoller::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    ++reads_started_;
    refresh_requested_ = false;
    lock.unlock();
    std::shared_ptr<const Overview> overview;
    std::optional<std::string> error;
    const auto started = std::chrono::steady_clock::now();
    try {
      overview = std::make_shared<const Overview>(build_overview(read_()));
    } catch (const std::exception& e) {
      error = e.what();
    }
    // On a table so big that one read takes long, wait three reads' time
    // between them, so one console never keeps more than a quarter of a
    // database core busy.
    const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    const auto pause = std::max(interval_, 3 * took);
    lock.lock();
    ++reads_finished_;
    read_finished_.notify_all();
    if (overview) latest_.overview = std::move(overview);
    if (error && error != latest_.error) spdlog::warn("web: reading the overview failed: {}", *error);
    latest_.error = std::move(error);
    stop_requested_.wait_for(lock, pause, [this] { return stopping_ || refresh_requested_; });
  }
}

}  // namespace spawnq
