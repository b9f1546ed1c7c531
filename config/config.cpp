#include "config.hpp"

namespace spawnq {

const QueueConfig* Config::find_queue(const std::string& name) const {
  for (const QueueConfig& queue : queues) {
    if (queue.name == name) return &queue;
  }
  return nullptr;
}

}  // namespace spawnq
