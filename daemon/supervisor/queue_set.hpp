// QueueSet is the daemon's queue coordinators, one per served queue, and
// what the daemon asks of all of them at once: route a wake-up, a cancel or
// a pause to the right queue, stop every running job, drain, count. Event
// loop only.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "queue_coordinator.hpp"

namespace spawnq {

class QueueSet {
 public:
  void add(std::unique_ptr<QueueCoordinator> coordinator) { coordinators_.push_back(std::move(coordinator)); }

  void start(WorkerId worker);
  void set_worker(WorkerId worker);            // after registering anew
  void wake(const std::string& queue);
  void cancel(JobId id);                       // whichever queue runs it
  void set_paused(const std::string& queue, bool paused);
  void apply_paused(const std::vector<std::string>& paused);  // every queue: paused iff listed
  void interrupt(std::chrono::milliseconds grace);
  void drain();
  void database_back();

  std::vector<std::string> names() const;
  std::size_t running() const;
  bool idle() const;  // no child, no claim in flight, no outcome unwritten
  std::vector<QueueSnapshot> snapshots(const std::map<std::pair<std::string, JobStatus>, std::int64_t>& depths) const;

 private:
  std::vector<std::unique_ptr<QueueCoordinator>> coordinators_;
};

}  // namespace spawnq
