#include "queue_set.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

namespace spawnq {

void QueueSet::start(WorkerId worker) {
  for (const auto& coordinator : coordinators_) {
    coordinator->start(worker);
    spdlog::info("queue={} serving: max_workers={}", coordinator->name(), coordinator->max_workers());
  }
}

void QueueSet::set_worker(WorkerId worker) {
  for (const auto& coordinator : coordinators_) coordinator->set_worker(worker);
}

void QueueSet::wake(const std::string& queue) {
  for (const auto& coordinator : coordinators_) {
    if (coordinator->name() == queue) coordinator->wake();
  }
}

void QueueSet::cancel(JobId id) {
  for (const auto& coordinator : coordinators_) {
    if (coordinator->cancel(id)) return;
  }
}

void QueueSet::set_paused(const std::string& queue, bool paused) {
  for (const auto& coordinator : coordinators_) {
    if (coordinator->name() == queue) coordinator->set_paused(paused);
  }
}

void QueueSet::apply_paused(const std::vector<std::string>& paused) {
  for (const auto& coordinator : coordinators_) {
    coordinator->set_paused(std::find(paused.begin(), paused.end(), coordinator->name()) != paused.end());
  }
}

void QueueSet::interrupt(std::chrono::milliseconds grace) {
  for (const auto& coordinator : coordinators_) coordinator->interrupt(grace);
}

void QueueSet::drain() {
  for (const auto& coordinator : coordinators_) coordinator->drain();
}

void QueueSet::database_back() {
  for (const auto& coordinator : coordinators_) coordinator->database_back();
}

std::vector<std::string> QueueSet::names() const {
  std::vector<std::string> names;
  for (const auto& coordinator : coordinators_) names.push_back(coordinator->name());
  return names;
}

std::size_t QueueSet::running() const {
  std::size_t total = 0;
  for (const auto& coordinator : coordinators_) total += coordinator->running();
  return total;
}

bool QueueSet::idle() const {
  return std::all_of(coordinators_.begin(), coordinators_.end(), [](const auto& c) { return c->idle(); });
}

std::vector<QueueSnapshot> QueueSet::snapshots(
    const std::map<std::pair<std::string, JobStatus>, std::int64_t>& depths) const {
  std::vector<QueueSnapshot> queues;
  for (const auto& coordinator : coordinators_) {
    const ClaimHealth& claims = coordinator->claim_health();
    QueueSnapshot q{coordinator->name(),
                    coordinator->max_workers(),
                    coordinator->paused(),
                    coordinator->running_jobs(),
                    {},
                    claims.failing_for_s(std::chrono::steady_clock::now()),
                    claims.last_error()};
    for (const auto& [key, count] : depths) {
      if (key.first == q.name) q.depth[key.second] = count;
    }
    queues.push_back(std::move(q));
  }
  return queues;
}

}  // namespace spawnq
